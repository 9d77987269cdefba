package i18n

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// isoCountries are the 249 current ISO 3166-1 alpha-2 codes. x/text also
// knows withdrawn codes (DD East Germany, VD North Vietnam, ZR Zaire…),
// exceptional reservations (UK, EU, EZ, UN, AC, IC…) and private ones,
// which would list a country twice or a body that is not one.
const isoCountries = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
	"MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
	"UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

var countryCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(isoCountries) {
		m[c] = true
	}
	return m
}()

// IsCountry reports whether code is a current ISO 3166-1 alpha-2 code.
func IsCountry(code string) bool { return countryCodes[code] }

// CountryName is the name of the country with code in the language: the
// name United Nations documents use where the catalog gives one
// (country.XX: "Republic of Korea", "Viet Nam", "Türkiye"), else the CLDR
// name from x/text, in English with "and" and "Saint" written out.
func (l *Localizer) CountryName(code string) string {
	if name, ok := l.msgs["country."+code]; ok {
		return name
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	name := display.Regions(l.tag).Name(r)
	if name == "" {
		return code
	}
	if l.Lang == "en" {
		name = strings.ReplaceAll(name, " & ", " and ")
		if rest, ok := strings.CutPrefix(name, "St. "); ok {
			name = "Saint " + rest
		}
	}
	return name
}
