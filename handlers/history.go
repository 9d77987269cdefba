package handlers

import (
	"fmt"
	"slices"
	"strings"

	"delegate/i18n"
	"delegate/store"
)

// historyKeys name each recorded change to a registration in words, by
// its audit action; an action not listed shows as recorded.
var historyKeys = map[string]string{
	"registration.create":              "history.create",
	"registration.update":              "history.update",
	"registration.approved":            "history.approved",
	"registration.rejected":            "history.rejected",
	"registration.cancelled":           "history.cancelled",
	"registration.waitlisted":          "history.waitlisted",
	"registration.pending":             "history.pending",
	"registration.promoted":            "history.promoted",
	"registration.offered":             "history.offered",
	"registration.offer_lapsed":        "history.offer_lapsed",
	"registration.waitlisted_again":    "history.waitlisted_again",
	"registration.photo":               "history.photo",
	"registration.erasure_requested":   "history.erasure_requested",
	"registration.erased":              "history.erased",
	"registration.consent":             "history.consent",
	"registration.checkin":             "history.checkin",
	"registration.note":                "history.note",
	"registration.payment":             "history.payment",
	"registration.partial_refund":      "history.partial_refund",
	"registration.payment_mismatch":    "history.payment_mismatch",
	"registration.link_sent":           "history.link_sent",
	"registration.letter":              "history.letter",
	"registration.letter_issued":       "history.letter_issued",
	"registration.letter_refused":      "history.letter_refused",
	"registration.certificate":         "history.certificate",
	"registration.certificate_revoked": "history.certificate_revoked",
	"badge.reissue":                    "history.badge_reissue",
	"mail.resend":                      "history.mail_resend",
}

// historyLine is one change in the page's language: what happened, by
// whom, and each value changed, named by its field.
type historyLine struct {
	store.AuditEntry
	What, Who string
	Changes   []string
}

func historyLines(l *i18n.Localizer, st *store.Settings, entries []store.AuditEntry) []historyLine {
	out := make([]historyLine, 0, len(entries))
	for _, e := range entries {
		h := historyLine{AuditEntry: e, What: e.Action, Who: actorWords(l, e.Actor)}
		if key, ok := historyKeys[e.Action]; ok {
			h.What = l.T(key)
		}
		keys := make([]string, 0, len(e.Detail))
		for k := range e.Detail {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			h.Changes = append(h.Changes, l.T("history.change", fieldWords(l, k), valueWords(l, st, k, e.Detail[k])))
		}
		out = append(out, h)
	}
	return out
}

// actorWords names who made a change: an organiser by address, the
// delegate, or the system.
func actorWords(l *i18n.Localizer, actor string) string {
	kind, name, _ := strings.Cut(actor, ":")
	switch kind {
	case "user":
		return name
	case "delegate":
		return l.T("history.by_delegate")
	case "system":
		return l.T("history.by_system")
	}
	return actor
}

// fieldWords is a recorded field's label: a form field's, or one of the
// history's own.
func fieldWords(l *i18n.Localizer, k string) string {
	for _, key := range []string{"admin.field." + k, "field." + k, "history.field." + k} {
		if l.Has(key) {
			return l.T(key)
		}
	}
	return k
}

// valueWords writes a recorded value ([old, new] as "old → new") in
// words: statuses, payments, countries, categories, hotels and visits by
// name, yes or no.
func valueWords(l *i18n.Localizer, st *store.Settings, k string, x any) string {
	if pair, ok := x.([]any); ok && len(pair) == 2 {
		return valueWords(l, st, k, pair[0]) + " → " + valueWords(l, st, k, pair[1])
	}
	switch v := x.(type) {
	case nil:
		return "—"
	case bool:
		if v {
			return l.T("common.yes")
		}
		return l.T("common.no")
	case string:
		if v == "" {
			return "—"
		}
		switch {
		case k == "status" && l.Has("status."+v):
			return l.T("status." + v)
		case k == "payment_status" && l.Has("payment."+v):
			return l.T("payment." + v)
		case k == "gnlc" && l.Has("gnlc."+v):
			return l.T("gnlc." + v)
		case k == "country" || k == "nationality":
			return l.CountryName(v)
		case k == "category":
			if c, ok := st.Category(v); ok {
				return c.Name.In(l.Lang)
			}
		case k == "hotel":
			if h, ok := st.Hotel(v); ok {
				return h.Name.In(l.Lang)
			}
		case k == "study_visit":
			if sv, ok := st.StudyVisit(v); ok {
				return sv.Name.In(l.Lang)
			}
		}
		return v
	}
	return fmt.Sprint(x)
}
