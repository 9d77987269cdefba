package handlers

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"delegate/calendar"
	"delegate/i18n"
	"delegate/pdf"
	"delegate/store"
)

// badgeFor maps a registration to what its badge shows, in the delegate's
// language.
// badgeFor is r's badge in lang (the delegate's own when empty).
func (h *Handler) badgeFor(r store.Registration, s *store.Settings, lang string) pdf.Badge {
	l := i18n.For(cmp.Or(lang, r.Language))
	b := pdf.Badge{Name: r.NameOnBadge(), Native: nativeName(r), Organisation: r.Organisation, Country: l.CountryName(r.Country),
		Reference: r.Reference, Code: h.db.CheckinCode(r), Event: s.ShortName, EventName: s.Name.In(l.Lang)}
	if r.Title == "H.E." { // the protocol title, as written in every language; others are not printed
		b.Title = r.Title
	}
	if cat, ok := s.Category(r.Category); ok {
		b.Category, b.Colour = cat.Name.In(l.Lang), cat.Colour
	}
	return b
}

// withPhotos puts on each badge the photo of registration ids[i], where
// there is one, and returns the badges.
func (h *Handler) withPhotos(ctx context.Context, badges []pdf.Badge, ids []int64) []pdf.Badge {
	for i, id := range ids {
		if p, err := h.db.Photo(ctx, id); err == nil {
			badges[i].Photo = p
		}
	}
	return badges
}

// printedName is r's name as documents in the embedded font print it:
// the Latin badge name for a name in another script.
func printedName(r store.Registration) string {
	if nativeName(r) != "" {
		return r.NameOnBadge()
	}
	return r.FullName()
}

// nativeName is r's name in its own script when that is not the Latin,
// Greek or Cyrillic one a badge prints large.
func nativeName(r store.Registration) string {
	if store.Drawable(r.FullName()) {
		return ""
	}
	return r.FullName()
}

// sendPDF writes a PDF rendered into a buffer, so that a failure is a
// clean error page rather than half a file.
func (h *Handler) sendPDF(c *gin.Context, name string, write func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// myBadge is the delegate's own badge, once approved.
func (h *Handler) myBadge(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	if r.Status != store.StatusApproved {
		h.fail(c, store.ErrNotFound)
		return
	}
	s := h.db.Settings()
	h.sendPDF(c, "badge-"+r.Reference+".pdf", func(b *bytes.Buffer) error {
		return pdf.WriteBadges(b, pdf.A6, h.withPhotos(c.Request.Context(), []pdf.Badge{h.badgeFor(r, &s, "")}, []int64{r.ID}))
	})
}

// myCalendar is the delegate's conference as an iCalendar file, for a
// live registration.
func (h *Handler) myCalendar(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	if !r.Live() {
		h.fail(c, store.ErrNotFound)
		return
	}
	s := h.db.Settings()
	c.Header("Content-Disposition", `attachment; filename="`+calendar.FileName+`"`)
	c.Data(http.StatusOK, calendar.ContentType, calendar.Delegate(&r, &s, hostOf(h.baseURL), h.db.Now()))
}

// hostOf is the host of a base URL, which names the service in calendar
// event UIDs.
func hostOf(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return "delegate.invalid"
}

// oneBadge is a badge for the desk, from its reference; it counts as
// printed on a POST or through the API, as batchBadges.
func (h *Handler) oneBadge(c *gin.Context) {
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if r.Status != store.StatusApproved {
		h.fail(c, &store.ConflictError{Reason: "not_approved"})
		return
	}
	layout := cmp.Or(c.Query("layout"), pdf.A6)
	if !slices.Contains(pdf.Layouts, layout) {
		h.failStatus(c, http.StatusUnprocessableEntity, "error.choice", nil)
		return
	}
	s := h.db.Settings()
	h.sendPDF(c, "badge-"+r.Reference+".pdf", func(b *bytes.Buffer) error {
		if err := pdf.WriteBadges(b, layout, h.withPhotos(c.Request.Context(), []pdf.Badge{h.badgeFor(r, &s, "")}, []int64{r.ID})); err != nil {
			return err
		}
		if c.Request.Method != http.MethodPost && !isAPI(c) {
			return nil // an admin GET shows the badge; printing it is a POST, as for a batch
		}
		return h.db.MarkBadgesPrinted(c.Request.Context(), []int64{r.ID})
	})
}

// batchBadges prints the approved registrations that match the list
// filters as one document, ordered by family name, and counts the prints.
// A document holds at most store.MaxPartSize badges: the admin makes a
// print job for more, and the API pages with limit and after, its next
// page in a Link header.
//
// Printing counts: a POST from the badges page, or the API (its bearer
// token is never sent by a browser on its own). A GET from the admin only
// shows the batch, so that a link from elsewhere changes nothing.
func (h *Handler) batchBadges(c *gin.Context) {
	if err := c.Request.ParseForm(); err != nil {
		h.fail(c, err)
		return
	}
	q := c.Request.Form
	api := isAPI(c)
	mark := c.Request.Method == http.MethodPost || api
	f, layout, lang, err := h.badgeSelection(c, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	f.PerPage, f.After = store.MaxPartSize, q.Get("after")
	if api {
		if f.PerPage, err = pageSize(q.Get("limit"), store.DefaultPartSize, store.MaxPartSize); err != nil {
			h.fail(c, err)
			return
		}
	}
	page, err := h.db.FindPage(c.Request.Context(), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	if page.Next != "" && !api {
		h.failStatus(c, http.StatusUnprocessableEntity, "admin.jobs.too_many", nil)
		return
	}
	s := h.db.Settings()
	badges := make([]pdf.Badge, len(page.Rows))
	ids := make([]int64, len(page.Rows))
	for i, r := range page.Rows {
		badges[i], ids[i] = h.badgeFor(r, &s, lang), r.ID
	}
	h.withPhotos(c.Request.Context(), badges, ids)
	if page.Next != "" {
		next := *c.Request.URL
		v := next.Query()
		v.Set("after", page.Next)
		next.RawQuery = v.Encode()
		c.Header("Link", "<"+next.RequestURI()+`>; rel="next"`)
	}
	h.sendPDF(c, "badges.pdf", func(b *bytes.Buffer) error {
		if err := pdf.WriteBadges(b, layout, badges); err != nil {
			return err
		}
		if !mark {
			return nil
		}
		return h.db.MarkBadgesPrinted(c.Request.Context(), ids)
	})
}

// badgesView is the page for printing badges in batches.
type badgesView struct {
	Layouts    []option
	Categories []option
	Countries  []option
	Unprinted  int
	Approved   int
	Languages  []option
	MaxSize    int
	Jobs       []store.PrintJob
	Form       map[string]string // the choices, as sent back after an error
	Errors     map[string]string
}

func (h *Handler) showBadges(c *gin.Context) { h.badgesPage(c, http.StatusOK, nil, nil) }

// badgesPage is the badges page, with the choices sent and what was wrong
// with them after a refused print job.
func (h *Handler) badgesPage(c *gin.Context, status int, sent url.Values, ve *store.ValidationError) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	s := h.db.Settings()
	v := badgesView{MaxSize: store.MaxPartSize, Errors: fieldMessages(l, ve),
		Form: map[string]string{"layout": pdf.A4Up4, "language": l.Lang, "size": strconv.Itoa(store.DefaultPartSize)}}
	for k := range sent {
		v.Form[k] = sent.Get(k)
	}
	for _, x := range pdf.Layouts {
		v.Layouts = append(v.Layouts, option{Value: x, Label: l.T("admin.badges.layout." + x)})
	}
	for _, lang := range i18n.Languages {
		v.Languages = append(v.Languages, option{Value: lang, Label: i18n.For(lang).T("lang.name")})
	}
	for _, cat := range s.Categories {
		v.Categories = append(v.Categories, option{Value: cat.Code, Label: cat.Name.In(l.Lang)})
	}
	countries, err := h.db.Countries(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, code := range countries {
		v.Countries = append(v.Countries, option{Value: code, Label: l.CountryName(code)})
	}
	col := collate.New(language.Make(l.Lang))
	slices.SortFunc(v.Countries, func(a, b option) int { return col.CompareString(a.Label, b.Label) })
	if v.Approved, v.Unprinted, err = h.db.BadgeCounts(ctx); err != nil {
		h.fail(c, err)
		return
	}
	if v.Jobs, err = h.db.RecentPrintJobs(ctx, 10); err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, status, "badges", l.T("admin.badges.title"), v)
}

func (h *Handler) reissueBadge(c *gin.Context) {
	if !h.confirmed(c, "admin.confirm.reissue.title", "admin.confirm.reissue.lead", "admin.confirm.reissue.button") {
		return
	}
	if _, err := h.db.ReissueBadge(c.Request.Context(), caller(c), c.Param("reference")); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.done.reissued"))
	c.Redirect(http.StatusSeeOther, "/admin/registrations/"+store.NormalReference(c.Param("reference")))
}
