package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/store"
)

type mailListView struct {
	Rows       []store.OutboxMessage
	Counts     map[string]int
	Status     string
	Prev, Next string
	L          *i18n.Localizer
}

const mailPerPage = 50

func (h *Handler) showMail(c *gin.Context) {
	ctx := c.Request.Context()
	status := c.Query("status")
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 1)
	rows, err := h.db.FindOutbox(ctx, store.OutboxFilter{Status: status, Limit: mailPerPage + 1, Offset: (page - 1) * mailPerPage})
	if err != nil {
		h.fail(c, err)
		return
	}
	counts, err := h.db.OutboxCounts(ctx, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := mailListView{Rows: rows, Counts: counts, Status: status, L: h.localizer(c)}
	more := len(rows) > mailPerPage
	if more {
		v.Rows = rows[:mailPerPage]
	}
	v.Prev, v.Next = pager(c, page, more, "")
	h.render(c, http.StatusOK, "mail", h.localizer(c).T("admin.mail.title"), v)
}

// shown is a stored message as organisers may see it: the delegate's
// private-link secret stays hidden.
func shown(s string) string { return strings.ReplaceAll(s, store.TokenPlaceholder, "•••••") }

func (h *Handler) message(c *gin.Context) (store.OutboxMessage, bool) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return store.OutboxMessage{}, false
	}
	m, err := h.db.FindMessage(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return m, false
	}
	m.Text, m.HTML = shown(m.Text), shown(m.HTML)
	return m, true
}

func (h *Handler) showMessage(c *gin.Context) {
	if m, ok := h.message(c); ok {
		h.render(c, http.StatusOK, "message", m.Subject, m)
	}
}

// messageHTML serves a message's HTML part for the frame of the message
// page: email HTML carries inline styles, so it gets a policy of its own
// that allows them and nothing else, and may only be framed by us.
func (h *Handler) messageHTML(c *gin.Context) {
	m, ok := h.message(c)
	if !ok {
		return
	}
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox")
	c.Header("X-Frame-Options", "SAMEORIGIN")
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(m.HTML))
}

func (h *Handler) resendMessage(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	if _, err := h.db.Resend(c.Request.Context(), caller(c), id); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.mail.resent", 1))
	c.Redirect(http.StatusSeeOther, "/admin/mail/"+c.Param("id"))
}

func (h *Handler) resendFailed(c *gin.Context) {
	n, err := h.db.Resend(c.Request.Context(), caller(c), 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.mail.resent", n))
	c.Redirect(http.StatusSeeOther, "/admin/mail")
}

// composeView is the form for a message to many delegates.
type composeView struct {
	F        store.Filter
	Texts    map[string]store.MessageText
	Errors   map[string]string
	Count    int
	Previews []store.Email // one per language, when previewing
	Langs    []string
	Statuses []option
	Cats     []option
	Hotels   []option
	Visits   []option
	GNLC     []option
	Payment  []option
	Preset   string // the lead of a ready message (to cities that want to join the GNLC, to fees overdue)
}

func (h *Handler) newComposeView(c *gin.Context, f store.Filter, texts map[string]store.MessageText) composeView {
	l := h.localizer(c)
	s := h.db.Settings()
	v := composeView{F: f, Texts: texts, Langs: store.Languages}
	for _, x := range []string{store.StatusPending, store.StatusApproved, store.StatusWaitlisted} {
		v.Statuses = append(v.Statuses, option{Value: x, Label: l.T("status." + x)})
	}
	for _, cat := range s.Categories {
		v.Cats = append(v.Cats, option{Value: cat.Code, Label: cat.Name.In(l.Lang)})
	}
	for _, ht := range s.Hotels {
		v.Hotels = append(v.Hotels, option{Value: ht.Code, Label: ht.Name.In(l.Lang)})
	}
	for _, sv := range s.StudyVisits {
		v.Visits = append(v.Visits, option{Value: sv.Code, Label: sv.Name.In(l.Lang)})
	}
	for _, x := range []string{"member", "interested"} {
		v.GNLC = append(v.GNLC, option{Value: x, Label: l.T("gnlc." + x)})
	}
	v.Payment = []option{{Value: store.PaymentUnpaid, Label: l.T("payment." + store.PaymentUnpaid)}}
	return v
}

// showCompose is the form of a message; ?preset=gnlc fills it with the
// ready message to the delegates of cities that want to join the network,
// in each language.
func (h *Handler) showCompose(c *gin.Context) {
	f, texts := store.Filter{}, map[string]store.MessageText{}
	var subject, body, lead string
	var args []any
	switch c.Query("preset") {
	case "gnlc":
		f.GNLC, lead = "interested", "admin.compose.gnlc_preset"
		subject, body = "gnlc.campaign.subject", "gnlc.campaign.body"
	case "overdue":
		f.Payment, lead = store.PaymentUnpaid, "admin.compose.overdue_preset"
		subject, body = "finance.reminder.subject", "finance.reminder.body"
	}
	for _, lang := range store.Languages {
		if subject == "" {
			break
		}
		l := i18n.For(lang)
		if f.Payment != "" {
			args = []any{l.Date(h.db.Settings().PaymentDue())}
		}
		texts[lang] = store.MessageText{Subject: l.T(subject), Body: l.T(body, args...)}
	}
	v := h.newComposeView(c, f, texts)
	v.Preset = lead
	h.render(c, http.StatusOK, "compose", h.localizer(c).T("admin.compose.title"), v)
}

// submitCompose previews the message (how many get it, and how it reads in
// each language) or sends it through the outbox.
func (h *Handler) submitCompose(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	f := store.Filter{Status: c.PostForm("status"), Category: c.PostForm("category"), Country: c.PostForm("country"),
		Hotel: c.PostForm("hotel"), Visit: c.PostForm("visit"), GNLC: c.PostForm("gnlc"), Payment: c.PostForm("payment")}
	if f.Payment != store.PaymentUnpaid {
		f.Payment = ""
	}
	if f.GNLC != "member" && f.GNLC != "interested" {
		f.GNLC = ""
	}
	if f.Status != "" && f.Status != store.StatusPending && f.Status != store.StatusApproved && f.Status != store.StatusWaitlisted {
		f.Status = ""
	}
	texts := map[string]store.MessageText{}
	for _, lang := range store.Languages {
		texts[lang] = store.MessageText{Subject: c.PostForm("subject." + lang), Body: c.PostForm("body." + lang)}
	}
	v := h.newComposeView(c, f, texts)
	var err error
	if v.Count, err = h.db.CountRecipients(ctx, f); err != nil {
		h.fail(c, err)
		return
	}
	var ve *store.ValidationError
	if err := store.ValidateTexts(texts); asError(err, &ve) {
		v.Errors = fieldMessages(l, ve)
		h.render(c, http.StatusUnprocessableEntity, "compose", l.T("admin.compose.title"), v)
		return
	}
	if c.PostForm("send") == "" {
		// a preview: the message for the first recipient in each language,
		// or a sample delegate where none speaks it
		first, err := h.db.FirstRecipients(ctx, f)
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, lang := range store.Languages {
			r, ok := first[lang]
			if !ok {
				r = store.Registration{Reference: "ICLC-XXXXXX", Status: store.StatusApproved,
					Details: store.Details{GivenNames: l.T("admin.compose.sample_name"), Language: lang}}
			}
			e, err := h.db.PreviewMessage(&r, texts[lang].Subject, texts[lang].Body)
			if err != nil {
				h.fail(c, err)
				return
			}
			e.Text, e.HTML = shown(e.Text), shown(e.HTML)
			v.Previews = append(v.Previews, e)
		}
		h.render(c, http.StatusOK, "compose", l.T("admin.compose.title"), v)
		return
	}
	campaign, n, err := h.db.SendCampaign(ctx, caller(c), f, texts)
	if err != nil {
		var ce *store.ConflictError
		if asError(err, &ce) {
			v.Errors = map[string]string{"recipients": l.T("error." + ce.Reason)}
			h.render(c, http.StatusUnprocessableEntity, "compose", l.T("admin.compose.title"), v)
			return
		}
		h.fail(c, err)
		return
	}
	if campaign.Finished {
		h.flash(c, l.T("admin.compose.queued", n))
	} else {
		h.flash(c, l.T("admin.compose.queueing", n))
	}
	c.Redirect(http.StatusSeeOther, "/admin/messages/"+strconv.FormatInt(campaign.ID, 10))
}

type campaignView struct {
	C       store.Campaign
	Counts  map[string]int
	Total   int
	Done    bool
	Pct     float64
	Failed  []store.OutboxMessage
	Subject string
}

func (h *Handler) showCampaign(c *gin.Context) {
	ctx := c.Request.Context()
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	camp, err := h.db.FindCampaign(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	counts, err := h.db.OutboxCounts(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	failed, err := h.db.FindOutbox(ctx, store.OutboxFilter{CampaignID: id, Status: store.OutboxFailed, Limit: 100})
	if err != nil {
		h.fail(c, err)
		return
	}
	v := campaignView{C: camp, Counts: counts, Failed: failed, Subject: camp.Texts[h.localizer(c).Lang].Subject}
	for _, n := range counts {
		v.Total += n
	}
	v.Done = camp.Finished && counts[store.OutboxQueued] == 0
	if v.Total > 0 {
		v.Pct = 100 * float64(counts[store.OutboxSent]+counts[store.OutboxFailed]) / float64(v.Total)
	}
	h.render(c, http.StatusOK, "campaign", h.localizer(c).T("admin.campaign.title"), v)
}
