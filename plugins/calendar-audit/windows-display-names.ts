import { windowsZones } from "./windows-zones.ts";

/**
 * Windows time-zone display names, as Outlook and Exchange write them in TZID when they leave out
 * the VTIMEZONE ("(UTC-05:00) Eastern Time (US & Canada)", "(GMT+10:00) Canberra, Melbourne,
 * Sydney"): the place list after the offset, mapped to the Windows zone id (Microsoft's "Default
 * time zones" list), which CLDR's windowsZones table maps to IANA.
 */
const displayNames: Readonly<Record<string, string>> = {
  "international date line west": "Dateline Standard Time",
  "coordinated universal time-11": "UTC-11",
  "midway island, samoa": "UTC-11",
  hawaii: "Hawaiian Standard Time",
  alaska: "Alaskan Standard Time",
  "baja california": "Pacific Standard Time (Mexico)",
  "pacific time (us and canada)": "Pacific Standard Time",
  "pacific time (us and canada); tijuana": "Pacific Standard Time",
  arizona: "US Mountain Standard Time",
  "chihuahua, la paz, mazatlan": "Mountain Standard Time (Mexico)",
  "mountain time (us and canada)": "Mountain Standard Time",
  "central america": "Central America Standard Time",
  "central time (us and canada)": "Central Standard Time",
  "guadalajara, mexico city, monterrey": "Central Standard Time (Mexico)",
  saskatchewan: "Canada Central Standard Time",
  "bogota, lima, quito": "SA Pacific Standard Time",
  "bogota, lima, quito, rio branco": "SA Pacific Standard Time",
  chetumal: "Eastern Standard Time (Mexico)",
  "eastern time (us and canada)": "Eastern Standard Time",
  "indiana (east)": "US Eastern Standard Time",
  caracas: "Venezuela Standard Time",
  asuncion: "Paraguay Standard Time",
  "atlantic time (canada)": "Atlantic Standard Time",
  cuiaba: "Central Brazilian Standard Time",
  "georgetown, la paz, manaus, san juan": "SA Western Standard Time",
  "caracas, la paz": "SA Western Standard Time",
  santiago: "Pacific SA Standard Time",
  newfoundland: "Newfoundland Standard Time",
  brasilia: "E. South America Standard Time",
  "cayenne, fortaleza": "SA Eastern Standard Time",
  "city of buenos aires": "Argentina Standard Time",
  "buenos aires, georgetown": "SA Eastern Standard Time",
  greenland: "Greenland Standard Time",
  montevideo: "Montevideo Standard Time",
  salvador: "Bahia Standard Time",
  "coordinated universal time-02": "UTC-02",
  "mid-atlantic": "UTC-02",
  azores: "Azores Standard Time",
  "cabo verde is.": "Cape Verde Standard Time",
  "cape verde is.": "Cape Verde Standard Time",
  "coordinated universal time": "UTC",
  casablanca: "Morocco Standard Time",
  "casablanca, monrovia": "Greenwich Standard Time",
  "dublin, edinburgh, lisbon, london": "GMT Standard Time",
  "greenwich mean time : dublin, edinburgh, lisbon, london": "GMT Standard Time",
  "greenwich mean time: dublin, edinburgh, lisbon, london": "GMT Standard Time",
  "monrovia, reykjavik": "Greenwich Standard Time",
  "amsterdam, berlin, bern, rome, stockholm, vienna": "W. Europe Standard Time",
  "belgrade, bratislava, budapest, ljubljana, prague": "Central Europe Standard Time",
  "brussels, copenhagen, madrid, paris": "Romance Standard Time",
  "sarajevo, skopje, warsaw, zagreb": "Central European Standard Time",
  "west central africa": "W. Central Africa Standard Time",
  windhoek: "Namibia Standard Time",
  amman: "Jordan Standard Time",
  "athens, bucharest": "GTB Standard Time",
  "athens, bucharest, istanbul": "GTB Standard Time",
  beirut: "Middle East Standard Time",
  cairo: "Egypt Standard Time",
  damascus: "Syria Standard Time",
  "e. europe": "E. Europe Standard Time",
  "harare, pretoria": "South Africa Standard Time",
  "helsinki, kyiv, riga, sofia, tallinn, vilnius": "FLE Standard Time",
  "helsinki, kiev, riga, sofia, tallinn, vilnius": "FLE Standard Time",
  istanbul: "Turkey Standard Time",
  jerusalem: "Israel Standard Time",
  kaliningrad: "Kaliningrad Standard Time",
  tripoli: "Libya Standard Time",
  baghdad: "Arabic Standard Time",
  "kuwait, riyadh": "Arab Standard Time",
  minsk: "Belarus Standard Time",
  "moscow, st. petersburg": "Russian Standard Time",
  "moscow, st. petersburg, volgograd": "Russian Standard Time",
  nairobi: "E. Africa Standard Time",
  tehran: "Iran Standard Time",
  "abu dhabi, muscat": "Arabian Standard Time",
  baku: "Azerbaijan Standard Time",
  "izhevsk, samara": "Russia Time Zone 3",
  "port louis": "Mauritius Standard Time",
  tbilisi: "Georgian Standard Time",
  yerevan: "Caucasus Standard Time",
  kabul: "Afghanistan Standard Time",
  "ashgabat, tashkent": "West Asia Standard Time",
  ekaterinburg: "Ekaterinburg Standard Time",
  "islamabad, karachi": "Pakistan Standard Time",
  "chennai, kolkata, mumbai, new delhi": "India Standard Time",
  "sri jayawardenepura": "Sri Lanka Standard Time",
  kathmandu: "Nepal Standard Time",
  astana: "Central Asia Standard Time",
  dhaka: "Bangladesh Standard Time",
  novosibirsk: "N. Central Asia Standard Time",
  "yangon (rangoon)": "Myanmar Standard Time",
  "bangkok, hanoi, jakarta": "SE Asia Standard Time",
  krasnoyarsk: "North Asia Standard Time",
  "beijing, chongqing, hong kong, urumqi": "China Standard Time",
  irkutsk: "North Asia East Standard Time",
  "kuala lumpur, singapore": "Singapore Standard Time",
  perth: "W. Australia Standard Time",
  taipei: "Taipei Standard Time",
  ulaanbaatar: "Ulaanbaatar Standard Time",
  "osaka, sapporo, tokyo": "Tokyo Standard Time",
  seoul: "Korea Standard Time",
  yakutsk: "Yakutsk Standard Time",
  adelaide: "Cen. Australia Standard Time",
  darwin: "AUS Central Standard Time",
  brisbane: "E. Australia Standard Time",
  "canberra, melbourne, sydney": "AUS Eastern Standard Time",
  "guam, port moresby": "West Pacific Standard Time",
  hobart: "Tasmania Standard Time",
  magadan: "Magadan Standard Time",
  vladivostok: "Vladivostok Standard Time",
  "vladivostok, magadan": "Vladivostok Standard Time",
  chokurdakh: "Russia Time Zone 10",
  "solomon is., new caledonia": "Central Pacific Standard Time",
  "magadan, solomon is., new caledonia": "Central Pacific Standard Time",
  "anadyr, petropavlovsk-kamchatsky": "Russia Time Zone 11",
  "auckland, wellington": "New Zealand Standard Time",
  "coordinated universal time+12": "UTC+12",
  fiji: "Fiji Standard Time",
  "fiji, kamchatka, marshall is.": "Fiji Standard Time",
  "nuku'alofa": "Tonga Standard Time",
  "nuku alofa": "Tonga Standard Time",
  samoa: "Samoa Standard Time",
  "kiritimati island": "Line Islands Standard Time",
};

/** "(UTC-05:00) ", "(GMT+10:00) ", "(GMT +01:00)", "(UTC) " */
const offsetPrefix = /^\((?:UTC|GMT)\s*(?:([+-])(\d{1,2}):?(\d{2}))?\)\s*/i;

/** The place list of a display name in the table's spelling: lower case, "&" and "+" as "and", no "(RTZ n)". */
function placesOf(name: string): string {
  return name
    .replace(offsetPrefix, "")
    .toLowerCase()
    .replace(/\s*\(rtz \d+\)/g, "")
    .replace(/\s*[&+]\s*/g, " and ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The IANA zone for a Windows display name: "(UTC-05:00) Eastern Time (US & Canada)" →
 * "America/New_York". A bare offset "(GMT +01:00)" gives the fixed offset "+01:00"; null when the
 * name is neither.
 */
export function zoneForDisplayName(name: string): { zone: string; fixedOffset: boolean } | null {
  const prefix = offsetPrefix.exec(name);
  const places = placesOf(name);
  const id = displayNames[places];
  const iana = id ? windowsZones[id] : undefined;
  if (iana) return { zone: iana, fixedOffset: false };
  if (prefix && !places) {
    const sign = prefix[1] ?? "+";
    const hours = (prefix[2] ?? "0").padStart(2, "0");
    return { zone: `${sign}${hours}:${prefix[3] ?? "00"}`, fixedOffset: true };
  }
  return null;
}
