package handlers

import (
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

type loginView struct {
	Email, Next, Error string
}

func (h *Handler) showLogin(c *gin.Context) {
	if h.sessions.GetInt64(c.Request.Context(), "user_id") != 0 {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return
	}
	h.render(c, http.StatusOK, "login", h.localizer(c).T("admin.login.title"), loginView{Next: c.Query("next")})
}

func (h *Handler) submitLogin(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	email := strings.ToLower(strings.TrimSpace(c.PostForm("email")))
	view := loginView{Email: email, Next: c.PostForm("next")}
	// counted before the password is checked, so that guesses sent at
	// once are counted one by one
	th, locked, ok := h.countAttempt(c, email)
	if !ok {
		return
	}
	if locked != "" {
		view.Error = locked
		h.render(c, http.StatusTooManyRequests, "login", l.T("admin.login.title"), view)
		return
	}
	u, err := h.db.Authenticate(ctx, email, c.PostForm("password"))
	if err != nil {
		if err != store.ErrNotFound {
			h.fail(c, err)
			return
		}
		if err := h.db.LoginFailed(ctx, h.actor(c, "user", email), email); err != nil {
			h.fail(c, err)
			return
		}
		h.sleep(ctx, th.Delay)
		view.Error = l.T("admin.login.wrong")
		h.render(c, http.StatusUnauthorized, "login", l.T("admin.login.title"), view)
		return
	}
	if err := h.db.LoginSucceeded(ctx, h.actor(c, "user", email), email); err != nil {
		h.fail(c, err)
		return
	}
	// A new session id at login, so that one planted before cannot be used.
	if err := h.sessions.RenewToken(ctx); err != nil {
		h.fail(c, err)
		return
	}
	if u.SecondFactor {
		// the password is right; the session is theirs after the code
		h.sessions.Put(ctx, "pending_user", u.ID)
		h.sessions.Put(ctx, "pending_epoch", u.SessionEpoch)
		c.Redirect(http.StatusSeeOther, "/admin/login/code?next="+url.QueryEscape(safeNext(view.Next)))
		return
	}
	h.startSession(ctx, u)
	c.Redirect(http.StatusSeeOther, safeNext(view.Next))
}

// countAttempt counts a sign-in attempt at account before it is checked.
// locked is the message for a client locked out; ok is false when the
// request failed (the error page is written).
func (h *Handler) countAttempt(c *gin.Context, account string) (th store.LoginThrottle, locked string, ok bool) {
	th, err := h.db.CountLoginAttempt(c.Request.Context(), clientNetwork(c.ClientIP()), account)
	if err != nil {
		h.fail(c, err)
		return th, "", false
	}
	if !th.LockedUntil.IsZero() {
		locked = h.localizer(c).T("admin.login.locked", int(math.Ceil(th.LockedUntil.Sub(h.db.Now()).Minutes())))
	}
	return th, locked, true
}

func (h *Handler) logout(c *gin.Context) {
	if err := h.sessions.Destroy(c.Request.Context()); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/login")
}

type setupView struct {
	Token, Email string
	Errors       map[string]string
}

func (h *Handler) showSetup(c *gin.Context) {
	token := c.Query("token")
	if !h.db.SetupTokenValid(c.Request.Context(), token) {
		h.fail(c, store.ErrNotFound)
		return
	}
	h.render(c, http.StatusOK, "setup", h.localizer(c).T("admin.setup.title"), setupView{Token: token})
}

func (h *Handler) submitSetup(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	token, email, password := c.PostForm("token"), c.PostForm("email"), c.PostForm("password")
	if !h.db.SetupTokenValid(ctx, token) {
		h.fail(c, store.ErrNotFound)
		return
	}
	view := setupView{Token: token, Email: email}
	var err error
	if password != c.PostForm("confirm") {
		err = &store.ValidationError{Fields: map[string]store.Message{"confirm": {Key: "admin.setup.mismatch"}}}
	} else {
		var u store.User
		u, err = h.db.CompleteSetup(ctx, h.actor(c, "setup", email), token, email, password)
		if err == nil {
			h.sessions.RenewToken(ctx)
			h.startSession(ctx, u)
			c.Redirect(http.StatusSeeOther, "/admin")
			return
		}
	}
	ve, ok := err.(*store.ValidationError)
	if !ok {
		h.fail(c, err)
		return
	}
	view.Errors = fieldMessages(l, ve)
	h.render(c, http.StatusUnprocessableEntity, "setup", l.T("admin.setup.title"), view)
}
