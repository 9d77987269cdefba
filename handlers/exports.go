package handlers

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/export"
	"delegate/i18n"
	"delegate/store"
)

// listFilter reads the list filters of a request's query.
func listFilter(c *gin.Context) store.Filter {
	q := c.Request.URL.Query()
	return store.Filter{Status: q.Get("status"), Category: q.Get("category"), Country: q.Get("country"),
		Q: q.Get("q"), Letter: q.Get("letter"), Payment: q.Get("payment"), Hotel: q.Get("hotel"),
		Visit: q.Get("visit"), Printed: q.Get("printed"), Sort: q.Get("sort")}
}

// attendeeTable is the attendee list in the language of l: every field but
// the passport, which never leaves the server.
func attendeeTable(list []store.Registration, s *store.Settings, l *i18n.Localizer) export.Table {
	yes := func(b bool) string {
		if b {
			return l.T("common.yes")
		}
		return l.T("common.no")
	}
	t := export.Table{Name: l.T("admin.list.title")}
	for _, k := range []string{"field.reference", "field.status", "field.payment_status", "field.fee", "field.title",
		"field.given_names", "field.family_name", "field.badge_name", "field.email", "field.phone", "field.organisation",
		"field.job_title", "field.city", "field.country", "export.country_code", "field.category", "field.gnlc",
		"field.language", "manage.letter", "field.nationality", "field.arrival_date", "field.arrival_flight",
		"field.departure_date", "field.departure_flight", "field.airport_transfer", "field.hotel", "field.study_visit",
		"field.dietary", "field.dietary_notes", "field.accessibility", "admin.detail.photo", "admin.list.registered",
		"export.checked_in"} {
		t.Header = append(t.Header, l.T(k))
	}
	for _, r := range list {
		lb := labelsOf(&r, s, l)
		var diet []string
		for _, d := range r.Dietary {
			diet = append(diet, l.T("dietary."+d))
		}
		title, gnlc, checked := "", "", ""
		if r.Title != "" {
			title = l.T("title." + r.Title)
		}
		if r.GNLC != "" {
			gnlc = l.T("gnlc." + r.GNLC)
		}
		if r.CheckedInAt != nil {
			checked = r.CheckedInAt.In(s.Location()).Format("2006-01-02 15:04")
		}
		nationality := ""
		if r.Nationality != "" {
			nationality = l.CountryName(r.Nationality)
		}
		t.Rows = append(t.Rows, []string{r.Reference, l.T("status." + r.Status), l.T("payment." + r.PaymentStatus),
			lb.Fee, title, r.GivenNames, r.FamilyName, r.NameOnBadge(), r.Email, r.Phone, r.Organisation, r.JobTitle,
			r.City, lb.Country, r.Country, lb.Category, gnlc, i18n.For(r.Language).T("lang.name"),
			yes(r.InvitationLetter), nationality, r.ArrivalDate, r.ArrivalFlight, r.DepartureDate, r.DepartureFlight,
			yes(r.AirportTransfer), lb.Hotel, lb.Visit, strings.Join(diet, ", "), r.DietaryNotes, r.Accessibility,
			yes(r.ConsentPhoto), r.CreatedAt.In(s.Location()).Format("2006-01-02 15:04"), checked})
	}
	return t
}

// exportRegistrations sends the attendee list matching the list filters,
// by family name: without a status filter, every registration.
func (h *Handler) exportRegistrations(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		f := listFilter(c)
		if f.Sort == "" {
			f.Sort = "name"
		}
		list, _, err := h.db.FindRegistrations(c.Request.Context(), f)
		if err != nil {
			h.fail(c, err)
			return
		}
		s := h.db.Settings()
		h.sendTable(c, "registrations", format, attendeeTable(list, &s, h.localizer(c)))
	}
}

// sendTable writes a table as an attachment, CSV or XLSX, rendered into a
// buffer first so that a failure is a clean error.
func (h *Handler) sendTable(c *gin.Context, name, format string, t export.Table) {
	var buf bytes.Buffer
	var err error
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = export.WriteXLSX(&buf, t)
	} else {
		err = export.WriteCSV(&buf, t)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, ctype, buf.Bytes())
}
