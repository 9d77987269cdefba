package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

type usersView struct {
	Users    []store.User
	Roles    []string
	Email    string
	Role     string
	Errors   map[string]string
	Password string // a new password, shown once after a reset
	For      string
}

func (h *Handler) showUsers(c *gin.Context) {
	h.renderUsers(c, http.StatusOK, usersView{Role: "viewer"})
}

func (h *Handler) renderUsers(c *gin.Context, status int, v usersView) {
	users, err := h.db.FindUsers(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	v.Users, v.Roles = users, store.Roles
	h.render(c, status, "users", h.localizer(c).T("admin.users.title"), v)
}

func (h *Handler) createUser(c *gin.Context) {
	v := usersView{Email: c.PostForm("email"), Role: c.PostForm("role")}
	_, err := h.db.SaveUser(c.Request.Context(), caller(c), v.Email, c.PostForm("password"), v.Role)
	var ve *store.ValidationError
	if asError(err, &ve) {
		v.Errors = fieldMessages(h.localizer(c), ve)
		h.renderUsers(c, http.StatusUnprocessableEntity, v)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.users.saved", v.Email))
	c.Redirect(http.StatusSeeOther, "/admin/users")
}

func pathID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	return id, err == nil && id > 0
}

func (h *Handler) updateUser(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	u, err := h.db.UpdateUser(c.Request.Context(), caller(c), id, c.PostForm("role"), c.PostForm("disabled") == "on")
	if err != nil {
		var ce *store.ConflictError
		if asError(err, &ce) {
			h.flash(c, h.localizer(c).T("admin.users.last_admin"))
			c.Redirect(http.StatusSeeOther, "/admin/users")
			return
		}
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.users.saved", u.Email))
	c.Redirect(http.StatusSeeOther, "/admin/users")
}

// resetPassword gives the organiser a new random password, shown once to
// the admin to pass on.
func (h *Handler) resetPassword(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	u, err := h.db.FindUser(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	secret, _ := store.NewToken()
	password := secret[:20]
	if err := h.db.SetPassword(c.Request.Context(), caller(c), id, password); err != nil {
		h.fail(c, err)
		return
	}
	h.renderUsers(c, http.StatusOK, usersView{Role: "viewer", Password: password, For: u.Email})
}

type tokensView struct {
	Tokens []store.APIToken
	Roles  []string
	Name   string
	Role   string
	Errors map[string]string
	Secret string // a new token, shown once
}

func (h *Handler) showTokens(c *gin.Context) {
	h.renderTokens(c, http.StatusOK, tokensView{Role: "viewer"})
}

func (h *Handler) renderTokens(c *gin.Context, status int, v tokensView) {
	tokens, err := h.db.FindTokens(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	v.Tokens, v.Roles = tokens, store.Roles
	h.render(c, status, "tokens", h.localizer(c).T("admin.tokens.title"), v)
}

func (h *Handler) createTokenPage(c *gin.Context) {
	v := tokensView{Name: c.PostForm("name"), Role: c.PostForm("role")}
	secret, _, err := h.db.CreateToken(c.Request.Context(), caller(c), v.Name, v.Role)
	var ve *store.ValidationError
	switch {
	case asError(err, &ve):
		v.Errors = fieldMessages(h.localizer(c), ve)
		h.renderTokens(c, http.StatusUnprocessableEntity, v)
	case err != nil:
		h.fail(c, err)
	default:
		h.renderTokens(c, http.StatusOK, tokensView{Role: "viewer", Secret: secret})
	}
}

func (h *Handler) revokeToken(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	if err := h.db.RevokeToken(c.Request.Context(), caller(c), id); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.tokens.revoked"))
	c.Redirect(http.StatusSeeOther, "/admin/tokens")
}

type auditView struct {
	F          store.AuditFilter
	Rows       []store.AuditRow
	Total      int
	Prev, Next string
}

func (h *Handler) showAudit(c *gin.Context) {
	q := c.Request.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), Reference: q.Get("reference"),
		From: q.Get("from"), To: q.Get("to"), PerPage: 100}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)
	rows, total, err := h.db.FindAudit(c.Request.Context(), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := auditView{F: f, Rows: rows, Total: total}
	v.Prev, v.Next = pager(c, f.Page, f.Page*f.PerPage < total, "")
	h.render(c, http.StatusOK, "audit", h.localizer(c).T("admin.audit.title"), v)
}
