/** ISO 3166-1 alpha-2 codes (officially assigned). 'unknown' is a state of its own and never guessed. */
const ISO_3166_ALPHA2 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Whether a string is an ISO 3166-1 alpha-2 code (or `unknown`). */
export function isJurisdiction(code: string): boolean {
  return ISO_3166_ALPHA2.has(code);
}

export type CrossBorder = { crossBorder: boolean | null; reason: string };

/**
 * Cross-border when none of the entity's jurisdictions is the case's. Unknown stays unknown: no case jurisdiction
 * or no entity jurisdiction gives null, with the reason.
 */
export function crossBorder(entityJurisdictions: readonly string[], caseJurisdiction: string | undefined): CrossBorder {
  if (!caseJurisdiction) return { crossBorder: null, reason: 'no case jurisdiction given' };
  if (entityJurisdictions.length === 0) return { crossBorder: null, reason: 'entity jurisdiction unknown' };
  if (entityJurisdictions.includes(caseJurisdiction)) {
    return { crossBorder: false, reason: `entity answers in ${caseJurisdiction}, the case's jurisdiction` };
  }
  return { crossBorder: true, reason: `entity answers in ${entityJurisdictions.join(', ')}, not ${caseJurisdiction}` };
}
