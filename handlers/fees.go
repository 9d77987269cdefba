package handlers

import (
	"slices"
	"time"

	"delegate/i18n"
	"delegate/store"
)

// feeLine is what a category costs, as the home page and the form show it.
type feeLine struct {
	Category string
	Fee      string // the fee, or "No fee"
	Early    string // the early-bird fee and until when, or ""
	Now      string // what a registration made now pays
	Until    string // the early-bird deadline and the venue's city, or ""
}

// feeLines are the fees of the categories listed by code (all the public
// ones when none is), in l's language and the conference's currency; the
// early-bird deadline is a day of the venue's calendar.
func feeLines(l *i18n.Localizer, s *store.Settings, now time.Time, codes ...string) []feeLine {
	var out []feeLine
	for _, cat := range s.Categories {
		if len(codes) == 0 && cat.Restricted {
			continue
		}
		if len(codes) > 0 && !slices.Contains(codes, cat.Code) {
			continue
		}
		f := feeLine{Category: cat.Name.In(l.Lang), Fee: l.T("fee.none")}
		if cat.Fee > 0 {
			f.Fee = l.Money(cat.Fee, s.Currency)
		}
		if cat.EarlyFee > 0 && cat.EarlyDeadline != "" {
			f.Early = l.T("fee.early", l.Money(cat.EarlyFee, s.Currency), l.DateString(cat.EarlyDeadline), s.City.In(l.Lang))
			f.Until = l.T("fee.until", l.DateString(cat.EarlyDeadline), s.City.In(l.Lang))
		}
		if due := s.FeeFor(cat, now); due > 0 {
			f.Now = l.Money(due, s.Currency)
		} else {
			f.Now = l.T("fee.none")
		}
		out = append(out, f)
	}
	return out
}
