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

// logisticsReport is one logistics report over the approved registrations:
// its columns (catalog keys) and the function that writes its rows.
type logisticsReport struct {
	name    string
	columns []string
	rows    func(in reportInput) [][]string
}

// reportInput is what a report's rows are written from.
type reportInput struct {
	list   []store.Registration // approved, by name
	cities []store.City         // for the cities report
	s      *store.Settings
	l      *i18n.Localizer
}

// logisticsReports are the reports, in the order the reports page lists them.
var logisticsReports = []logisticsReport{
	{"arrivals", []string{"field.arrival_date", "field.arrival_flight", "admin.list.name", "field.country",
		"field.airport_transfer", "field.hotel", "field.phone", "field.departure_date", "field.departure_flight",
		"field.reference"}, arrivalRows},
	{"rooming", []string{"field.hotel", "report.night", "admin.list.name", "field.country", "field.reference",
		"field.accessibility"}, roomingRows},
	{"meals", []string{"report.day", "field.dietary", "report.count"}, mealRows},
	{"accessibility", []string{"admin.list.name", "field.country", "field.accessibility", "field.dietary_notes",
		"field.hotel", "field.phone", "field.email", "field.reference"}, accessibilityRows},
	{"visits", []string{"field.study_visit", "report.day", "admin.list.name", "field.country", "field.organisation",
		"field.email", "field.phone", "field.accessibility"}, visitRows},
	{"cities", []string{"report.city", "field.country", "report.delegation", "report.head", "report.gnlc", "report.delegates"}, cityRows},
}

// cityRows are the cities represented, one a city however spelled.
func cityRows(in reportInput) [][]string {
	var rows [][]string
	for _, c := range in.cities {
		gnlc := in.l.T("report.gnlc.none")
		if c.GNLC != "" {
			gnlc = in.l.T("report.gnlc." + c.GNLC)
		}
		rows = append(rows, []string{c.Name, in.l.CountryName(c.Country), strings.Join(c.Delegations, "; "), c.Head, gnlc,
			strconv.Itoa(c.Delegates)})
	}
	return rows
}

// findReport returns the report called name.
func findReport(name string) (logisticsReport, bool) {
	i := slices.IndexFunc(logisticsReports, func(r logisticsReport) bool { return r.name == name })
	if i < 0 {
		return logisticsReport{}, false
	}
	return logisticsReports[i], true
}

// table writes the report in the language of in.l.
func (rp logisticsReport) table(in reportInput) export.Table {
	t := export.Table{Name: in.l.T("report." + rp.name), Rows: rp.rows(in)}
	for _, k := range rp.columns {
		t.Header = append(t.Header, in.l.T(k))
	}
	return t
}

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

func listName(r *store.Registration) string { return r.FamilyName + ", " + r.GivenNames }

// arrivalRows are by day and flight; those who have not said when they
// come last.
func arrivalRows(in reportInput) [][]string {
	list := slices.Clone(in.list)
	slices.SortStableFunc(list, func(a, b store.Registration) int {
		if (a.ArrivalDate == "") != (b.ArrivalDate == "") {
			if a.ArrivalDate == "" {
				return 1
			}
			return -1
		}
		return strings.Compare(a.ArrivalDate+a.ArrivalFlight, b.ArrivalDate+b.ArrivalFlight)
	})
	var rows [][]string
	for _, r := range list {
		lb := labelsOf(&r, in.s, in.l)
		transfer := ""
		if r.AirportTransfer {
			transfer = in.l.T("common.yes")
		}
		rows = append(rows, []string{r.ArrivalDate, r.ArrivalFlight, listName(&r), lb.Country, transfer,
			lb.Hotel, r.Phone, r.DepartureDate, r.DepartureFlight, r.Reference})
	}
	return rows
}

// roomingRows are one a night a delegate stays, by hotel and night.
func roomingRows(in reportInput) [][]string {
	var rows [][]string
	for _, h := range in.s.Hotels {
		for _, r := range in.list {
			if r.Hotel != h.Code {
				continue
			}
			from, to := stay(&r, in.s)
			for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
				rows = append(rows, []string{h.Name.In(in.l.Lang), d.Format(store.DateLayout), listName(&r), in.l.CountryName(r.Country),
					r.Reference, r.Accessibility})
			}
		}
	}
	slices.SortStableFunc(rows, func(a, b []string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
	return rows
}

// mealRows count, for each conference day, the delegates there by
// dietary need, then all of them.
func mealRows(in reportInput) [][]string {
	var rows [][]string
	needs := append([]string{"none"}, store.DietaryNeeds...)
	for d := in.s.Start(); !d.After(in.s.End()); d = d.AddDate(0, 0, 1) {
		counts := map[string]int{}
		total := 0
		for _, r := range in.list {
			from, to := stay(&r, in.s)
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
			label := in.l.T("report.no_need")
			if x != "none" {
				label = in.l.T("dietary." + x)
			}
			if counts[x] > 0 {
				rows = append(rows, []string{d.Format(store.DateLayout), label, strconv.Itoa(counts[x])})
			}
		}
		rows = append(rows, []string{d.Format(store.DateLayout), in.l.T("report.total"), strconv.Itoa(total)})
	}
	return rows
}

// accessibilityRows are the delegates who told us of a need.
func accessibilityRows(in reportInput) [][]string {
	var rows [][]string
	for _, r := range in.list {
		if r.Accessibility == "" && r.DietaryNotes == "" {
			continue
		}
		lb := labelsOf(&r, in.s, in.l)
		rows = append(rows, []string{listName(&r), lb.Country, r.Accessibility, r.DietaryNotes, lb.Hotel, r.Phone,
			r.Email, r.Reference})
	}
	return rows
}

// visitRows are each study visit's roster.
func visitRows(in reportInput) [][]string {
	var rows [][]string
	for _, v := range in.s.StudyVisits {
		for _, r := range in.list {
			if r.StudyVisit == v.Code {
				rows = append(rows, []string{v.Name.In(in.l.Lang), v.Date, listName(&r), in.l.CountryName(r.Country),
					r.Organisation, r.Email, r.Phone, r.Accessibility})
			}
		}
	}
	return rows
}

// sendReport sends a logistics report as CSV or XLSX, by the path's name.
func (h *Handler) sendReport(c *gin.Context) {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	rp, ok := findReport(name)
	if !ok || (format != "csv" && format != "xlsx") {
		h.fail(c, store.ErrNotFound)
		return
	}
	var in reportInput
	var err error
	if name == "cities" {
		in.cities, err = h.db.Cities(c.Request.Context())
	} else {
		in.list, _, err = h.db.FindRegistrations(c.Request.Context(), store.Filter{Status: store.StatusApproved, Sort: "name"})
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	s := h.db.Settings()
	in.s, in.l = &s, h.localizer(c)
	h.sendTable(c, name, format, rp.table(in))
}

func (h *Handler) showReports(c *gin.Context) {
	names := make([]string, len(logisticsReports))
	for i, rp := range logisticsReports {
		names[i] = rp.name
	}
	h.render(c, http.StatusOK, "reports", h.localizer(c).T("admin.reports.title"), names)
}
