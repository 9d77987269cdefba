package handlers

// The delegate's data rights: the privacy notice and its versions, the
// consent asked again, a copy of everything held, and erasure.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// privacyView is the privacy notice page: a version, and the others.
type privacyView struct {
	Notice     store.Notice
	Paragraphs []string // the organisers' text; none for the built-in notice
	Published  string
	Versions   []store.Notice
}

// showPrivacy is the privacy notice: who holds a delegate's data, what
// for, who sees it, for how long, and how to see or erase it; the current
// version, or ?version=N.
func (h *Handler) showPrivacy(c *gin.Context) {
	l := h.localizer(c)
	ctx := c.Request.Context()
	n, err := h.db.CurrentNotice(ctx)
	if v, e := strconv.Atoi(c.Query("version")); e == nil {
		n, err = h.db.NoticeVersion(ctx, v)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	v := privacyView{Notice: n, Published: l.Date(n.PublishedAt.In(h.db.Settings().Location()))}
	v.Paragraphs = paragraphs(n.Body.In(l.Lang))
	if v.Versions, err = h.db.Notices(ctx); err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "privacy", l.T("privacy.title"), v)
}

// paragraphs splits a text at its blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// submitNotice publishes a new version of the privacy notice.
func (h *Handler) submitNotice(c *gin.Context) {
	body := store.Text{En: c.PostForm("body.en"), Es: c.PostForm("body.es"), Fr: c.PostForm("body.fr")}
	n, err := h.db.PublishNotice(c.Request.Context(), caller(c), body, c.PostForm("ask_again") != "")
	var ve *store.ValidationError
	if asError(err, &ve) {
		v := h.noticeFormView(c)
		v.Body, v.AskAgain, v.Errors = body, c.PostForm("ask_again") != "", fieldMessages(h.localizer(c), ve)
		h.render(c, http.StatusUnprocessableEntity, "notices", h.localizer(c).T("admin.privacy.title"), v)
		return
	}
	h.afterForm(c, err, h.localizer(c).T("admin.privacy.published", n.Version), "/admin/privacy")
}

// noticesView is the organisers' page of the privacy notice.
type noticesView struct {
	Versions []store.Notice
	Body     store.Text // the form: the current text to start from
	AskAgain bool
	Errors   map[string]string
	Langs    []string
}

func (h *Handler) noticeFormView(c *gin.Context) noticesView {
	v := noticesView{Langs: store.Languages}
	v.Versions, _ = h.db.Notices(c.Request.Context())
	if len(v.Versions) > 0 && !v.Versions[0].BuiltIn() {
		v.Body = v.Versions[0].Body
	}
	return v
}

func (h *Handler) showNotices(c *gin.Context) {
	h.render(c, http.StatusOK, "notices", h.localizer(c).T("admin.privacy.title"), h.noticeFormView(c))
}

// submitConsent records the delegate accepting the current notice.
func (h *Handler) submitConsent(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	if err := h.db.AcceptNotice(c.Request.Context(), h.actor(c, "delegate", r.Reference), r.Reference); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/r/"+c.Param("token")+"?consent=1")
}

// myData is everything held about the delegate: JSON, or a page to read.
func (h *Handler) myData(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, ok := h.registrationByToken(c)
		if !ok {
			return
		}
		ctx := c.Request.Context()
		if err := h.db.Looked(ctx, h.actor(c, "delegate", r.Reference), store.AccessCopy, r.ID, map[string]any{"format": format}); err != nil {
			h.fail(c, err)
			return
		}
		copy, err := h.db.CopyOf(ctx, r)
		if err != nil {
			h.fail(c, err)
			return
		}
		if format == "json" {
			c.Header("Content-Disposition", `attachment; filename="my-data-`+r.Reference+`.json"`)
			c.IndentedJSON(http.StatusOK, copy)
			return
		}
		s := h.db.Settings()
		l := h.localizer(c)
		h.render(c, http.StatusOK, "mydata", l.T("mydata.title"), myDataView{C: copy, Token: c.Param("token"),
			labels: labelsOf(&copy.Registration, &s, l)})
	}
}

// myDataView is the readable copy of a delegate's data.
type myDataView struct {
	C     store.DataCopy
	Token string
	labels
}

// showErase asks the delegate to confirm their request for erasure.
func (h *Handler) showErase(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	h.render(c, http.StatusOK, "erase", h.localizer(c).T("erase.title"), manageView{R: r, Token: c.Param("token")})
}

// submitErase records the delegate's request for erasure: done at once
// while the registration never got past pending, else waiting for the
// organisers.
func (h *Handler) submitErase(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	done, err := h.db.RequestErasure(c.Request.Context(), h.actor(c, "delegate", r.Reference), r.Reference)
	if err != nil {
		h.fail(c, err)
		return
	}
	l := h.localizer(c)
	if done {
		// the link opens nothing any more: say so here, once
		h.render(c, http.StatusOK, "error", l.T("erase.done.title"), l.T("erase.done"))
		return
	}
	c.Redirect(http.StatusSeeOther, "/r/"+c.Param("token")+"?erasure=asked")
}

// erasuresView lists the requests waiting for an organiser.
type erasuresView struct {
	Requests []store.Registration
}

func (h *Handler) showErasures(c *gin.Context) {
	list, err := h.db.ErasureRequests(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "erasures", h.localizer(c).T("admin.erasures.title"), erasuresView{Requests: list})
}

// recordErasureRequest records a request the delegate made another way
// (by email, at the desk).
func (h *Handler) recordErasureRequest(c *gin.Context) {
	ref := store.NormalReference(c.Param("reference"))
	done, err := h.db.RequestErasure(c.Request.Context(), caller(c), ref)
	msg := h.localizer(c).T("admin.erasures.recorded")
	if done {
		msg = h.localizer(c).T("admin.erasures.done")
	}
	h.afterForm(c, err, msg, "/admin/registrations/"+ref)
}

// confirmErasure erases a delegate's data, once the organiser confirms.
func (h *Handler) confirmErasure(c *gin.Context) {
	if !h.confirmed(c, "admin.erasures.confirm_title", "admin.erasures.confirm_lead", "admin.erasures.confirm") {
		return
	}
	ref := store.NormalReference(c.Param("reference"))
	err := h.db.Erase(c.Request.Context(), caller(c), ref)
	h.afterForm(c, err, h.localizer(c).T("admin.erasures.done"), "/admin/registrations/"+ref)
}
