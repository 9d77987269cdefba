package handlers

// The list of participants: a draft organisers download at any time, and
// the provisional and final versions they publish, kept as published and
// given to approved delegates and focal points.

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"delegate/export"
	"delegate/i18n"
	"delegate/pdf"
	"delegate/store"
)

// listVersion is which list a document is: "draft" (not published),
// "provisional" or "final", and when.
type listVersion struct {
	Version string
	At      time.Time
}

// heading is how the list names a group in l's language.
func heading(l *i18n.Localizer, g store.ListGroup) string {
	switch {
	case g.Name == "" && g.Country != "":
		return l.CountryName(g.Country)
	case g.Country != "" && (g.Part == "city" || g.Part == "host"):
		return g.Name + " (" + l.CountryName(g.Country) + ")"
	}
	return g.Name
}

// eachListed calls fn with each delegate of the list in l's order.
func (h *Handler) eachListed(ctx context.Context, l *i18n.Localizer, fn func(store.ListGroup, *store.Registration) error) error {
	col := collate.New(language.Make(l.Lang), collate.IgnoreCase)
	var buf collate.Buffer
	order := store.ListOrder{
		Group: func(a, b store.ListGroup) int { return col.CompareString(heading(l, a), heading(l, b)) },
		Key: func(s string) []byte {
			k := slices.Clone(col.KeyFromString(&buf, s))
			buf.Reset()
			return k
		},
	}
	return h.db.EachListed(ctx, order, fn)
}

// listTitle is the document's title and the line that says which
// version it is and when.
func listTitle(l *i18n.Localizer, v listVersion) (title, version string) {
	switch v.Version {
	case store.ListProvisional, store.ListFinal:
		return l.T("list.title." + v.Version), l.T("list.published", l.Date(v.At))
	}
	return l.T("admin.participants.title"), l.T("list.draft", l.Date(v.At))
}

// listEntry is r as the list prints it.
func listEntry(l *i18n.Localizer, r *store.Registration) pdf.Participant {
	p := pdf.Participant{Name: r.GivenNames + " " + strings.ToUpper(r.FamilyName), JobTitle: r.JobTitle, Organisation: r.Organisation}
	if !store.Drawable(p.Name) {
		p.Name, p.Native = r.NameOnBadge(), r.FullName()
	}
	if r.Title != "" {
		p.Title = l.T("title." + r.Title)
	}
	if r.Head && r.DelegationID != 0 {
		p.Name += " (" + l.T("list.head") + ")"
	}
	return p
}

// writeListPDF writes the list in l's language; it returns how many it lists.
func (h *Handler) writeListPDF(ctx context.Context, b *bytes.Buffer, l *i18n.Localizer, v listVersion) (int, error) {
	s := h.db.Settings()
	title, version := listTitle(l, v)
	doc := pdf.NewParticipants(title, s.Name.In(l.Lang)+" · "+s.City.In(l.Lang)+" · "+l.DateRange(s.Start(), s.End())+"\n"+version,
		l.T("admin.participants.page"))
	part, n := "", 0
	err := h.eachListed(ctx, l, func(g store.ListGroup, r *store.Registration) error {
		if g.Part != part {
			doc.Part(l.T("list.part." + g.Part))
			part = g.Part
		}
		doc.Add(heading(l, g), listEntry(l, r))
		n++
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, doc.Write(b)
}

// listTable is the list as a spreadsheet, a row a delegate.
func (h *Handler) listTable(ctx context.Context, l *i18n.Localizer, v listVersion) export.Table {
	yes := l.T("common.yes")
	return export.Table{
		Name: l.T("list.sheet." + v.Version),
		Header: []string{l.T("list.col.part"), l.T("list.col.group"), l.T("list.head"), l.T("field.title"),
			l.T("field.given_names"), l.T("field.family_name"), l.T("field.job_title"), l.T("field.organisation"), l.T("field.country")},
		Stream: func(yield func([]string) error) error {
			return h.eachListed(ctx, l, func(g store.ListGroup, r *store.Registration) error {
				title, head := "", ""
				if r.Title != "" {
					title = l.T("title." + r.Title)
				}
				if r.Head && r.DelegationID != 0 {
					head = yes
				}
				return yield([]string{l.T("list.part." + g.Part), heading(l, g), head, title, r.GivenNames, r.FamilyName,
					r.JobTitle, r.Organisation, l.CountryName(r.Country)})
			})
		},
	}
}

// listLanguage is the ?lang= of a download, else the page's language.
func (h *Handler) listLanguage(c *gin.Context) *i18n.Localizer {
	if lang := c.Query("lang"); slices.Contains(store.Languages, lang) {
		return i18n.For(lang)
	}
	return h.localizer(c)
}

// participants is the draft list of participants as it stands, as PDF.
func (h *Handler) participants(c *gin.Context) {
	l := h.listLanguage(c)
	v := listVersion{Version: "draft", At: h.db.Now()}
	h.sendPDF(c, "participants-draft-"+l.Lang+".pdf", func(b *bytes.Buffer) error {
		_, err := h.writeListPDF(c.Request.Context(), b, l, v)
		return err
	})
}

// participantsXLSX is the draft list as a spreadsheet, streamed.
func (h *Handler) participantsXLSX(c *gin.Context) {
	l := h.listLanguage(c)
	h.streamTable(c, "participants-draft-"+l.Lang, "xlsx", h.listTable(c.Request.Context(), l, listVersion{Version: "draft", At: h.db.Now()}))
}

// showParticipants is the page of the list: the draft's downloads, the
// versions published, and (for organisers who may) the publish form.
func (h *Handler) showParticipants(c *gin.Context) {
	lists, err := h.db.PublishedLists(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "participants", h.localizer(c).T("admin.participants.title"),
		gin.H{"Lists": lists, "Languages": store.Languages})
}

// publishParticipants publishes a version: each language, PDF and XLSX,
// written now and kept as written.
func (h *Handler) publishParticipants(c *gin.Context) {
	ctx := c.Request.Context()
	v := listVersion{Version: c.PostForm("version"), At: h.db.Now()}
	if v.Version != store.ListProvisional && v.Version != store.ListFinal {
		h.flash(c, h.localizer(c).T("list.bad_version"))
		c.Redirect(http.StatusSeeOther, "/admin/participants")
		return
	}
	var files []store.ListFile
	entries := 0
	for _, lang := range store.Languages {
		l := i18n.For(lang)
		var b bytes.Buffer
		n, err := h.writeListPDF(ctx, &b, l, v)
		if err != nil {
			h.fail(c, err)
			return
		}
		entries = max(entries, n)
		files = append(files, store.ListFile{Lang: lang, Format: "pdf", Body: slices.Clone(b.Bytes())})
		b.Reset()
		if err := export.WriteXLSX(&b, h.listTable(ctx, l, v)); err != nil {
			h.fail(c, err)
			return
		}
		files = append(files, store.ListFile{Lang: lang, Format: "xlsx", Body: b.Bytes()})
	}
	if _, err := h.db.PublishList(ctx, caller(c), v.Version, v.At, entries, files); err != nil {
		h.fail(c, err)
		return
	}
	l := h.localizer(c)
	h.flash(c, l.T("list.published_flash", l.T("list.title."+v.Version), entries))
	c.Redirect(http.StatusSeeOther, "/admin/participants")
}

// publishedFile is a published list's file: /admin/participants/{id}/{lang}.{pdf|xlsx}.
func (h *Handler) publishedFile(c *gin.Context) {
	id, ok := pathID(c)
	lang, format, _ := strings.Cut(c.Param("file"), ".")
	if !ok || !slices.Contains(store.Languages, lang) || (format != "pdf" && format != "xlsx") {
		h.fail(c, store.ErrNotFound)
		return
	}
	p, err := h.db.FindPublishedList(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sendListFile(c, p, lang, format)
}

// sendListFile sends a published list's file as a download.
func (h *Handler) sendListFile(c *gin.Context, p store.PublishedList, lang, format string) {
	body, err := h.db.ListFileOf(c.Request.Context(), p.ID, lang, format)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctype := "application/pdf"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	name := "participants-" + p.Version + "-" + p.PublishedAt.Format("2006-01-02") + "-" + lang + "." + format
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, ctype, body)
}

// myParticipants is the latest published list, in the delegate's
// language, for an approved delegate.
func (h *Handler) myParticipants(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	p, err := h.db.LatestList(c.Request.Context())
	if r.Status != store.StatusApproved || err != nil {
		h.fail(c, cmp.Or(err, store.ErrNotFound))
		return
	}
	h.sendListFile(c, p, r.Language, "pdf")
}
