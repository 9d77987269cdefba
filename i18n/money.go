package i18n

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// Amounts are kept in minor units of an ISO 4217 currency (cents, or
// whole yen); this file is the one place that knows a currency's scale.

// MinorUnits is how many decimals a currency's amounts have: 2 for USD and
// MXN, 0 for JPY; 2 for a code x/text does not know.
func MinorUnits(code string) int {
	if u, err := currency.ParseISO(code); err == nil {
		scale, _ := currency.Standard.Rounding(u)
		return scale
	}
	return 2
}

// split is an amount's whole units and its decimals, as digits.
func split(amount int64, code string) (whole int64, frac string) {
	scale := MinorUnits(code)
	div := int64(1)
	for range scale {
		div *= 10
	}
	if scale > 0 {
		frac = fmt.Sprintf("%0*d", scale, amount%div)
	}
	return amount / div, frac
}

// PlainAmount writes an amount in minor units as a form field holds it:
// "150.00", "150" for a currency without decimals.
func PlainAmount(amount int64, code string) string {
	whole, frac := split(amount, code)
	if frac == "" {
		return strconv.FormatInt(whole, 10)
	}
	return strconv.FormatInt(whole, 10) + "." + frac
}

// ParseAmount reads "150", "150.5" or "150,50" as minor units of the
// currency; a negative amount or too many decimals is not one.
func ParseAmount(s, code string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return 0, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	scale := MinorUnits(code)
	if len(frac) > scale {
		return 0, false
	}
	frac += strings.Repeat("0", scale-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	return n, err == nil && n >= 0
}

// Money writes an amount in minor units of an ISO 4217 currency:
// "USD 150.00" in English, "150,00 USD" in Spanish and French.
func (l *Localizer) Money(amount int64, code string) string {
	neg := amount < 0
	if neg {
		amount = -amount
	}
	whole, frac := split(amount, code)
	num := groupThousands(strconv.FormatInt(whole, 10), l.T("format.thousands"))
	if frac != "" {
		num += l.T("format.decimal") + frac
	}
	if neg {
		num = "-" + num
	}
	return l.T("format.money", num, code)
}

func groupThousands(s, sep string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	first := len(s) % 3
	if first > 0 {
		b.WriteString(s[:first])
	}
	for i := first; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
