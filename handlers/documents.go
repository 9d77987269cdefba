package handlers

import (
	"bytes"
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

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
		return pdf.WriteBadges(b, pdf.A6, []pdf.Badge{h.badgeFor(r, &s, "")})
	})
}

// oneBadge is a badge for the desk, from its reference.
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
		if err := pdf.WriteBadges(b, layout, []pdf.Badge{h.badgeFor(r, &s, "")}); err != nil {
			return err
		}
		return h.db.MarkBadgesPrinted(c.Request.Context(), []int64{r.ID})
	})
}

// batchBadges prints the approved registrations that match the list
// filters as one job, ordered by family name, and counts the prints.
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
	mark := c.Request.Method == http.MethodPost || strings.HasPrefix(c.Request.URL.Path, "/api/")
	layout := cmp.Or(q.Get("layout"), pdf.A4Up4)
	if !slices.Contains(pdf.Layouts, layout) {
		h.fail(c, &store.ValidationError{Fields: map[string]store.Message{"layout": {Key: "error.choice"}}})
		return
	}
	f := store.Filter{Status: store.StatusApproved, Category: q.Get("category"), Country: q.Get("country"),
		Hotel: q.Get("hotel"), Visit: q.Get("visit"), Printed: q.Get("printed"), Q: q.Get("q"), Sort: "name"}
	list, _, err := h.db.FindRegistrations(c.Request.Context(), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	// one language for the whole batch, so that a sheet reads as one
	lang := q.Get("language")
	if !slices.Contains(store.Languages, lang) {
		lang = h.localizer(c).Lang
	}
	s := h.db.Settings()
	badges := make([]pdf.Badge, len(list))
	ids := make([]int64, len(list))
	for i, r := range list {
		badges[i], ids[i] = h.badgeFor(r, &s, lang), r.ID
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
	Language   string // the page's, chosen at first
}

func (h *Handler) showBadges(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	s := h.db.Settings()
	v := badgesView{}
	for _, x := range pdf.Layouts {
		v.Layouts = append(v.Layouts, option{Value: x, Label: l.T("admin.badges.layout." + x)})
	}
	for _, lang := range i18n.Languages {
		v.Languages = append(v.Languages, option{Value: lang, Label: i18n.For(lang).T("lang.name")})
	}
	v.Language = l.Lang
	for _, cat := range s.Categories {
		v.Categories = append(v.Categories, option{Value: cat.Code, Label: cat.Name.In(l.Lang)})
	}
	st, err := h.db.Stats(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	for code := range st.ByCountry {
		v.Countries = append(v.Countries, option{Value: code, Label: l.CountryName(code)})
	}
	col := collate.New(language.Make(l.Lang))
	slices.SortFunc(v.Countries, func(a, b option) int { return col.CompareString(a.Label, b.Label) })
	v.Approved, v.Unprinted = st.ByStatus[store.StatusApproved], st.Unprinted
	h.render(c, http.StatusOK, "badges", l.T("admin.badges.title"), v)
}

func (h *Handler) reissueBadge(c *gin.Context) {
	if _, err := h.db.ReissueBadge(c.Request.Context(), caller(c), c.Param("reference")); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.done.reissued"))
	c.Redirect(http.StatusSeeOther, "/admin/registrations/"+store.NormalReference(c.Param("reference")))
}

// participants is the list of participants: approved delegates by
// country, in the chosen language, sorted as it sorts.
func (h *Handler) participants(c *gin.Context) {
	l := h.localizer(c)
	s := h.db.Settings()
	list, _, err := h.db.FindRegistrations(c.Request.Context(), store.Filter{Status: store.StatusApproved, Sort: "name"})
	if err != nil {
		h.fail(c, err)
		return
	}
	col := collate.New(language.Make(l.Lang))
	groups := map[string]*pdf.CountryGroup{}
	for _, r := range list {
		g := groups[r.Country]
		if g == nil {
			g = &pdf.CountryGroup{Country: l.CountryName(r.Country)}
			groups[r.Country] = g
		}
		p := pdf.Participant{Name: r.GivenNames + " " + strings.ToUpper(r.FamilyName), JobTitle: r.JobTitle, Organisation: r.Organisation}
		if !store.Drawable(p.Name) {
			p.Name, p.Native = r.NameOnBadge(), r.FullName()
		}
		if r.Title != "" {
			p.Title = l.T("title." + r.Title)
		}
		g.Participants = append(g.Participants, p)
	}
	doc := pdf.ParticipantList{Title: l.T("admin.participants.title"),
		Subtitle: s.Name.In(l.Lang) + " · " + s.City.In(l.Lang) + " · " + l.DateRange(s.Start(), s.End()),
		Page:     l.T("admin.participants.page")}
	for _, g := range groups {
		doc.Groups = append(doc.Groups, *g)
	}
	slices.SortFunc(doc.Groups, func(a, b pdf.CountryGroup) int { return col.CompareString(a.Country, b.Country) })
	h.sendPDF(c, "participants.pdf", func(b *bytes.Buffer) error { return pdf.WriteParticipants(b, doc) })
}
