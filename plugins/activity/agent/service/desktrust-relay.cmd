@echo off
rem DeskTrust relay agent for Windows: restarts the relay whenever it stops.
rem Register it to start at log-on (see plugins/activity/README.md):
rem   schtasks /Create /SC ONLOGON /TN "DeskTrust relay" /TR "%USERPROFILE%\desktrust-relay\desktrust-relay.cmd" /RL LIMITED
rem Status: bun "%USERPROFILE%\desktrust-relay\relay.js" status
set DESKTRUST_URL=https://desk.example.com
set DESKTRUST_DEVICE_TOKEN=dta_REPLACE_ME
set DESKTRUST_AW_SERVER=http://127.0.0.1:5600
:loop
"%USERPROFILE%\.bun\bin\bun.exe" "%USERPROFILE%\desktrust-relay\relay.js"
timeout /t 5 /nobreak >nul
goto loop
