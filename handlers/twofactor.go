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
	// TOTP is set for an organiser with an app; PasskeyOptions asks the
	// browser for one of their passkeys.
	TOTP           bool
	PasskeyOptions string
}

func (h *Handler) showCodeForm(c *gin.Context) {
	id := h.sessions.GetInt64(c.Request.Context(), "pending_user")
	if id == 0 {
		c.Redirect(http.StatusSeeOther, "/admin/login")
		return
	}
	u, err := h.db.FindUser(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.codePage(c, http.StatusOK, u, codeView{Next: c.Query("next")})
}

// codePage renders the second step of signing in for u, with a fresh
// passkey challenge where they have a passkey.
func (h *Handler) codePage(c *gin.Context, status int, u store.User, view codeView) {
	opts, err := h.passkeyOptions(c.Request.Context(), u)
	if err != nil {
		h.fail(c, err)
		return
	}
	view.TOTP, view.PasskeyOptions = u.TOTP, opts
	h.render(c, status, "login_code", h.localizer(c).T("admin.2fa.title"), view)
}

// secondStep begins the second step of a sign-in: the organiser whose
// password was right, with the attempt counted. ok is false when the
// answer is written (no pending sign-in, a locked client, an error).
func (h *Handler) secondStep(c *gin.Context) (u store.User, th store.LoginThrottle, ok bool) {
	id := h.sessions.GetInt64(c.Request.Context(), "pending_user")
	if id == 0 {
		c.Redirect(http.StatusSeeOther, "/admin/login")
		return u, th, false
	}
	th, locked, ok := h.countAttempt(c, fmt.Sprintf("2fa:%d", id))
	if !ok {
		return u, th, false
	}
	u, err := h.db.FindUser(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return u, th, false
	}
	if locked != "" {
		h.codePage(c, http.StatusTooManyRequests, u, codeView{Next: c.PostForm("next"), Error: locked})
		return u, th, false
	}
	return u, th, true
}

// stillValid reports whether u may still sign in with the password given
// at the first step: not disabled, and no change that ended sessions since.
func (h *Handler) stillValid(c *gin.Context, u store.User) bool {
	return !u.Disabled && h.sessions.GetInt64(c.Request.Context(), "pending_epoch") == u.SessionEpoch
}

// secondStepFailed slows the client down and asks again.
func (h *Handler) secondStepFailed(c *gin.Context, u store.User, th store.LoginThrottle, key string) {
	h.sleep(c.Request.Context(), th.Delay)
	h.codePage(c, http.StatusUnauthorized, u, codeView{Next: c.PostForm("next"), Error: h.localizer(c).T(key)})
}

// signedIn ends a sign-in: the session, under a new token, is u's.
func (h *Handler) signedIn(c *gin.Context, u store.User) {
	ctx := c.Request.Context()
	h.sessions.Remove(ctx, "pending_user")
	if err := h.sessions.RenewToken(ctx); err != nil {
		h.fail(c, err)
		return
	}
	h.startSession(ctx, u)
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
}

func (h *Handler) submitCode(c *gin.Context) {
	u, th, ok := h.secondStep(c)
	if !ok {
		return
	}
	ok, err := h.db.CheckSecondFactor(c.Request.Context(), h.actor(c, "user", u.Email), u.ID, c.PostForm("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if !ok || !h.stillValid(c, u) {
		h.secondStepFailed(c, u, th, "admin.2fa.wrong")
		return
	}
	h.signedIn(c, u)
}

// accountView is the organiser's own page: their second factors.
type accountView struct {
	TOTP     bool // an app is enrolled
	Required bool
	Secret   string // an app being enrolled
	QR       template.HTML
	Recovery []string
	Error    string
	// PasskeysOn is set where the address allows passkeys; PasskeyOptions
	// asks the browser to make one.
	PasskeysOn     bool
	Passkeys       []store.Passkey
	PasskeyOptions string
	PasskeyError   string
	PasskeyAdded   bool
}

func (h *Handler) showAccount(c *gin.Context) {
	u := currentUser(c)
	h.accountPage(c, http.StatusOK, accountView{TOTP: u.TOTP, Required: c.Query("required") != ""})
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
	h.accountPage(c, http.StatusOK, accountView{Secret: en.Secret, QR: qrSVG(en.URL)})
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
		h.accountPage(c, http.StatusUnprocessableEntity, accountView{Secret: secret,
			QR: qrSVG(h.sessions.GetString(ctx, "totp_url")), Error: fieldMessages(h.localizer(c), ve)["code"]})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sessions.Remove(ctx, "totp_secret")
	h.sessions.Remove(ctx, "totp_url")
	h.accountPage(c, http.StatusOK, accountView{TOTP: true, Recovery: codes})
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
