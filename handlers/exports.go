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
func listFilter(c *gin.Context) store.Filter { return filterFrom(c.Request.URL.Query().Get) }

// filterFrom reads the list filters by their names (the query of a list
// page, or the bulk form that carries them).
func filterFrom(get func(string) string) store.Filter {
	return store.Filter{Status: get("status"), Category: get("category"), Country: get("country"),
		Q: get("q"), Letter: get("letter"), Payment: get("payment"), Hotel: get("hotel"),
		Visit: get("visit"), Printed: get("printed"), Arrived: get("arrived"), Sort: get("sort")}
}

// attendeeTable is the attendee list in the language of l, read row by
// row from each (which calls its function for every registration): every
// field but the passport, which never leaves the server.
func attendeeTable(each func(fn func(*store.Registration) error) error, s *store.Settings, l *i18n.Localizer) export.Table {
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
	t.Stream = func(yield func([]string) error) error {
		return each(func(r *store.Registration) error { return yield(attendeeRow(r, s, l, yes)) })
	}
	return t
}

// attendeeRow is one registration's row of the attendee list.
func attendeeRow(r *store.Registration, s *store.Settings, l *i18n.Localizer, yes func(bool) string) []string {
	lb := labelsOf(r, s, l)
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
	return []string{r.Reference, l.T("status." + r.Status), l.T("payment." + r.PaymentStatus),
		lb.Fee, title, r.GivenNames, r.FamilyName, r.NameOnBadge(), r.Email, r.Phone, r.Organisation, r.JobTitle,
		r.City, lb.Country, r.Country, lb.Category, gnlc, i18n.For(r.Language).T("lang.name"),
		yes(r.InvitationLetter), nationality, r.ArrivalDate, r.ArrivalFlight, r.DepartureDate, r.DepartureFlight,
		yes(r.AirportTransfer), lb.Hotel, lb.Visit, strings.Join(diet, ", "), r.DietaryNotes, r.Accessibility,
		yes(r.ConsentPhoto), r.CreatedAt.In(s.Location()).Format("2006-01-02 15:04"), checked}
}

// exportRegistrations sends the attendee list matching the list filters,
// by family name: without a status filter, every registration.
func (h *Handler) exportRegistrations(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		f := listFilter(c)
		if f.Sort == "" {
			f.Sort = "name"
		}
		if err := f.Check(); err != nil {
			h.fail(c, err) // before anything is sent
			return
		}
		s := h.db.Settings()
		each := func(fn func(*store.Registration) error) error {
			return h.db.EachRegistration(c.Request.Context(), f, fn)
		}
		h.streamTable(c, "registrations", format, attendeeTable(each, &s, h.localizer(c)))
	}
}

// streamTable writes a long table as an attachment while it is read, in
// the memory of a row (XLSX: of excelize's buffer). A failure after the
// first bytes cannot become an error page: the connection is cut, so the
// download is seen to fail rather than end short.
func (h *Handler) streamTable(c *gin.Context, name, format string, t export.Table) {
	// every table holds personal data: who took it is written down
	if err := h.db.Looked(c.Request.Context(), caller(c), store.AccessExport, 0,
		map[string]any{"file": name + "." + format, "filter": c.Request.URL.RawQuery}); err != nil {
		h.fail(c, err)
		return
	}
	ctype := "text/csv; charset=utf-8"
	write := export.WriteCSV
	if format == "xlsx" {
		ctype, write = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.WriteXLSX
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", ctype)
	c.Status(http.StatusOK)
	if err := write(c.Writer, t); err != nil {
		h.log.Error("export cut short", "file", name+"."+format, "err", err, "request_id", c.GetString("request_id"))
		panic(http.ErrAbortHandler)
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
