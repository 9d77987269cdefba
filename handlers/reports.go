package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"delegate/export"
	"delegate/i18n"
	"delegate/store"
)

// reportNames are the logistics reports. Each covers the approved
// registrations.
var reportNames = []string{"arrivals", "rooming", "meals", "accessibility", "visits"}

// stay is the nights a delegate spends, from the arrival date to the day
// before departure; without dates, the nights of the conference.
func stay(r *store.Registration, s *store.Settings) (from, to time.Time) {
	from, to = s.Start().AddDate(0, 0, -1), s.End()
	if d, err := store.ParseDate(r.ArrivalDate); err == nil {
		from = d
	}
	if d, err := store.ParseDate(r.DepartureDate); err == nil && !d.Before(from) {
		to = d
	}
	return from, to
}

// report builds one logistics report in the language of l.
func report(name string, list []store.Registration, s *store.Settings, l *i18n.Localizer) export.Table {
	t := export.Table{Name: l.T("report." + name)}
	head := func(keys ...string) {
		for _, k := range keys {
			t.Header = append(t.Header, l.T(k))
		}
	}
	yes := func(b bool) string {
		if b {
			return l.T("common.yes")
		}
		return ""
	}
	name2 := func(r *store.Registration) string { return r.FamilyName + ", " + r.GivenNames }
	switch name {
	case "arrivals":
		head("field.arrival_date", "field.arrival_flight", "admin.list.name", "field.country", "field.airport_transfer",
			"field.hotel", "field.phone", "field.departure_date", "field.departure_flight", "field.reference")
		// by day and flight; those who have not said when they come last
		slices.SortStableFunc(list, func(a, b store.Registration) int {
			if (a.ArrivalDate == "") != (b.ArrivalDate == "") {
				if a.ArrivalDate == "" {
					return 1
				}
				return -1
			}
			return strings.Compare(a.ArrivalDate+a.ArrivalFlight, b.ArrivalDate+b.ArrivalFlight)
		})
		for _, r := range list {
			lb := labelsOf(&r, s, l)
			t.Rows = append(t.Rows, []string{r.ArrivalDate, r.ArrivalFlight, name2(&r), lb.Country, yes(r.AirportTransfer),
				lb.Hotel, r.Phone, r.DepartureDate, r.DepartureFlight, r.Reference})
		}
	case "rooming":
		head("field.hotel", "report.night", "admin.list.name", "field.country", "field.reference", "field.accessibility")
		for _, h := range s.Hotels {
			for _, r := range list {
				if r.Hotel != h.Code {
					continue
				}
				from, to := stay(&r, s)
				for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
					t.Rows = append(t.Rows, []string{h.Name, d.Format(store.DateLayout), name2(&r), l.CountryName(r.Country),
						r.Reference, r.Accessibility})
				}
			}
		}
		slices.SortStableFunc(t.Rows, func(a, b []string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
	case "meals":
		head("report.day", "field.dietary", "report.count")
		needs := append([]string{"none"}, store.DietaryNeeds...)
		for d := s.Start(); !d.After(s.End()); d = d.AddDate(0, 0, 1) {
			counts := map[string]int{}
			total := 0
			for _, r := range list {
				from, to := stay(&r, s)
				if d.Before(from) || d.After(to) {
					continue
				}
				total++
				if len(r.Dietary) == 0 {
					counts["none"]++
				}
				for _, x := range r.Dietary {
					counts[x]++
				}
			}
			for _, x := range needs {
				label := l.T("report.no_need")
				if x != "none" {
					label = l.T("dietary." + x)
				}
				if counts[x] > 0 {
					t.Rows = append(t.Rows, []string{d.Format(store.DateLayout), label, strconv.Itoa(counts[x])})
				}
			}
			t.Rows = append(t.Rows, []string{d.Format(store.DateLayout), l.T("report.total"), strconv.Itoa(total)})
		}
	case "accessibility":
		head("admin.list.name", "field.country", "field.accessibility", "field.dietary_notes", "field.hotel", "field.phone",
			"field.email", "field.reference")
		for _, r := range list {
			if r.Accessibility == "" && r.DietaryNotes == "" {
				continue
			}
			lb := labelsOf(&r, s, l)
			t.Rows = append(t.Rows, []string{name2(&r), lb.Country, r.Accessibility, r.DietaryNotes, lb.Hotel, r.Phone,
				r.Email, r.Reference})
		}
	case "visits":
		head("field.study_visit", "report.day", "admin.list.name", "field.country", "field.organisation", "field.email",
			"field.phone", "field.accessibility")
		for _, v := range s.StudyVisits {
			for _, r := range list {
				if r.StudyVisit == v.Code {
					t.Rows = append(t.Rows, []string{v.Name.In(l.Lang), v.Date, name2(&r), l.CountryName(r.Country),
						r.Organisation, r.Email, r.Phone, r.Accessibility})
				}
			}
		}
	}
	return t
}

// sendReport sends a logistics report as CSV or XLSX, by the path's name.
func (h *Handler) sendReport(c *gin.Context) {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	if !slices.Contains(reportNames, name) || (format != "csv" && format != "xlsx") {
		h.fail(c, store.ErrNotFound)
		return
	}
	list, _, err := h.db.FindRegistrations(c.Request.Context(), store.Filter{Status: store.StatusApproved, Sort: "name"})
	if err != nil {
		h.fail(c, err)
		return
	}
	s := h.db.Settings()
	h.sendTable(c, name, format, report(name, list, &s, h.localizer(c)))
}

func (h *Handler) showReports(c *gin.Context) {
	h.render(c, http.StatusOK, "reports", h.localizer(c).T("admin.reports.title"), reportNames)
}
