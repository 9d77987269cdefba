package handlers

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"rsc.io/qr"

	"delegate/store"
)

// A second factor at sign-in: after the password, an organiser who
// enrolled a TOTP app gives a code from it (or a recovery code) before the
// session is theirs.

type codeView struct {
	Next, Error string
}

func (h *Handler) showCodeForm(c *gin.Context) {
	if h.sessions.GetInt64(c.Request.Context(), "pending_user") == 0 {
		c.Redirect(http.StatusSeeOther, "/admin/login")
		return
	}
	h.render(c, http.StatusOK, "login_code", h.localizer(c).T("admin.2fa.title"), codeView{Next: c.Query("next")})
}

func (h *Handler) submitCode(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	id := h.sessions.GetInt64(ctx, "pending_user")
	if id == 0 {
		c.Redirect(http.StatusSeeOther, "/admin/login")
		return
	}
	view := codeView{Next: c.PostForm("next")}
	th, locked, ok := h.countAttempt(c, fmt.Sprintf("2fa:%d", id))
	if !ok {
		return
	}
	if locked != "" {
		view.Error = locked
		h.render(c, http.StatusTooManyRequests, "login_code", l.T("admin.2fa.title"), view)
		return
	}
	u, err := h.db.FindUser(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	ok, err = h.db.CheckSecondFactor(ctx, h.actor(c, "user", u.Email), id, c.PostForm("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if !ok || u.Disabled || h.sessions.GetInt64(ctx, "pending_epoch") != u.SessionEpoch {
		h.sleep(ctx, th.Delay)
		view.Error = l.T("admin.2fa.wrong")
		h.render(c, http.StatusUnauthorized, "login_code", l.T("admin.2fa.title"), view)
		return
	}
	h.sessions.Remove(ctx, "pending_user")
	if err := h.sessions.RenewToken(ctx); err != nil {
		h.fail(c, err)
		return
	}
	h.startSession(ctx, u)
	c.Redirect(http.StatusSeeOther, safeNext(view.Next))
}

// accountView is the organiser's own page: their second factor.
type accountView struct {
	Enrolled bool
	Required bool
	Secret   string
	QR       template.HTML
	Recovery []string
	Error    string
}

func (h *Handler) showAccount(c *gin.Context) {
	u := currentUser(c)
	h.render(c, http.StatusOK, "account", h.localizer(c).T("admin.account.title"),
		accountView{Enrolled: u.SecondFactor, Required: c.Query("required") != ""})
}

// startEnrolment offers a new TOTP secret, kept in the session until the
// organiser confirms it with a code.
func (h *Handler) startEnrolment(c *gin.Context) {
	u := currentUser(c)
	en, err := h.db.BeginTOTP(u.Email)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sessions.Put(c.Request.Context(), "totp_secret", en.Secret)
	h.sessions.Put(c.Request.Context(), "totp_url", en.URL)
	h.render(c, http.StatusOK, "account", h.localizer(c).T("admin.account.title"),
		accountView{Secret: en.Secret, QR: qrSVG(en.URL)})
}

func (h *Handler) confirmEnrolment(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	secret := h.sessions.GetString(ctx, "totp_secret")
	if secret == "" {
		c.Redirect(http.StatusSeeOther, "/admin/account")
		return
	}
	codes, err := h.db.EnableTOTP(ctx, caller(c), u.ID, secret, c.PostForm("code"))
	var ve *store.ValidationError
	if asError(err, &ve) {
		l := h.localizer(c)
		h.render(c, http.StatusUnprocessableEntity, "account", l.T("admin.account.title"),
			accountView{Secret: secret, QR: qrSVG(h.sessions.GetString(ctx, "totp_url")),
				Error: fieldMessages(l, ve)["code"]})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sessions.Remove(ctx, "totp_secret")
	h.sessions.Remove(ctx, "totp_url")
	h.render(c, http.StatusOK, "account", h.localizer(c).T("admin.account.title"), accountView{Enrolled: true, Recovery: codes})
}

// qrSVG draws text as a QR code in SVG, for a page.
func qrSVG(text string) template.HTML {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return ""
	}
	const quiet = 4
	n := code.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="200" height="200" role="img" aria-label="QR"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y := range code.Size {
		for x := range code.Size {
			if code.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String())
}
