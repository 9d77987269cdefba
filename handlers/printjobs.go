package handlers

// Badge print jobs: a selection of badges fixed when the job is made and
// printed in parts of a size the desk picks, each part a document of its
// own, with the job's progress on its page.

import (
	"bytes"
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/pdf"
	"delegate/store"
)

// badgeSelection reads the layout, the language and the filters of a
// batch of badges from a form or a query.
func (h *Handler) badgeSelection(c *gin.Context, q url.Values) (f store.Filter, layout, lang string, err error) {
	layout = cmp.Or(q.Get("layout"), pdf.A4Up4)
	if !slices.Contains(pdf.Layouts, layout) {
		return f, "", "", &store.ValidationError{Fields: map[string]store.Message{"layout": {Key: "error.choice"}}}
	}
	// one language for the whole batch, so that a sheet reads as one
	lang = q.Get("language")
	if !slices.Contains(store.Languages, lang) {
		lang = h.localizer(c).Lang
	}
	f = store.Filter{Status: store.StatusApproved, Category: q.Get("category"), Country: q.Get("country"),
		Hotel: q.Get("hotel"), Visit: q.Get("visit"), Printed: q.Get("printed"), Q: q.Get("q"), Sort: "name"}
	return f, layout, lang, f.Check()
}

// createPrintJob makes a print job of the selection and opens its page.
func (h *Handler) createPrintJob(c *gin.Context) {
	if err := c.Request.ParseForm(); err != nil {
		h.fail(c, err)
		return
	}
	sent := c.Request.PostForm
	f, layout, lang, err := h.badgeSelection(c, sent)
	size := 0
	if err == nil {
		if size, err = pageSize(sent.Get("size"), store.DefaultPartSize, store.MaxPartSize); err != nil {
			err = &store.ValidationError{Fields: map[string]store.Message{"size": {Key: "error.range", Args: []any{1, store.MaxPartSize}}}}
		}
	}
	var id int64
	if err == nil {
		id, err = h.db.CreatePrintJob(c.Request.Context(), caller(c), f, layout, lang, size)
	}
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		h.badgesPage(c, http.StatusUnprocessableEntity, sent, ve)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/badges/jobs/"+strconv.FormatInt(id, 10))
}

// printJobView is a print job's page.
type printJobView struct {
	Job      store.PrintJob
	Layout   string
	Language string
	Filter   []string // what the job selected, as words
	Parts    []partView
	Printed  int // parts printed
}

type partView struct {
	N, First, Last int
	Printed        *store.PrintedPart
}

func (h *Handler) printJob(c *gin.Context) (store.PrintJob, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.fail(c, store.ErrNotFound)
		return store.PrintJob{}, false
	}
	j, err := h.db.FindPrintJob(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return j, false
	}
	return j, true
}

func (h *Handler) showPrintJob(c *gin.Context) {
	j, ok := h.printJob(c)
	if !ok {
		return
	}
	l := h.localizer(c)
	v := printJobView{Job: j, Layout: l.T("admin.badges.layout." + j.Layout), Language: i18n.For(j.Language).T("lang.name"),
		Filter: h.selectionWords(l, j.Filter)}
	for n := 1; n <= j.Parts(); n++ {
		p := partView{N: n}
		p.First, p.Last = j.PartRange(n)
		if pp, ok := j.Printed[n]; ok {
			p.Printed = &pp
			v.Printed++
		}
		v.Parts = append(v.Parts, p)
	}
	h.render(c, http.StatusOK, "printjob", l.T("admin.jobs.title", j.ID), v)
}

// selectionWords names what a batch of badges selected.
func (h *Handler) selectionWords(l *i18n.Localizer, f store.Filter) []string {
	s := h.db.Settings()
	var words []string
	if cat, ok := s.Category(f.Category); ok {
		words = append(words, l.T("field.category")+": "+cat.Name.In(l.Lang))
	}
	if f.Country != "" {
		words = append(words, l.T("field.country")+": "+l.CountryName(f.Country))
	}
	if f.Printed == "no" {
		words = append(words, l.T("admin.badges.unprinted"))
	}
	if f.Q != "" {
		words = append(words, "“"+f.Q+"”")
	}
	if len(words) == 0 {
		words = append(words, l.T("admin.jobs.everyone"))
	}
	return words
}

// printPart sends one part of a print job and counts its badges printed.
func (h *Handler) printPart(c *gin.Context) {
	j, ok := h.printJob(c)
	if !ok {
		return
	}
	n, err := strconv.Atoi(c.Param("part"))
	if err != nil {
		n = 0
	}
	ctx := c.Request.Context()
	s := h.db.Settings()
	var badges []pdf.Badge
	var ids []int64
	err = h.db.EachInPart(ctx, j, n, func(r *store.Registration) error {
		badges, ids = append(badges, h.badgeFor(*r, &s, j.Language)), append(ids, r.ID)
		return nil
	})
	h.withPhotos(ctx, badges, ids) // after the rows are read: a photo is a read of its own
	if err != nil {
		h.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := pdf.WriteBadges(&buf, j.Layout, badges); err != nil {
		h.fail(c, err)
		return
	}
	if err := h.db.PartPrinted(ctx, caller(c), j.ID, n, ids); err != nil {
		h.fail(c, err)
		return
	}
	name := "badges-" + strconv.FormatInt(j.ID, 10) + "-" + strconv.Itoa(n) + ".pdf"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// pageSize reads how many of a list one answer holds: def when s is
// empty, else a number from 1 to most.
func pageSize(s string, def, most int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > most {
		return 0, &store.ValidationError{Fields: map[string]store.Message{"limit": {Key: "error.range", Args: []any{1, most}}}}
	}
	return n, nil
}
