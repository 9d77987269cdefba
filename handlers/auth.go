package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// authenticate reads the bearer token of an organiser API call.
func (h *Handler) authenticate(c *gin.Context) {
	secret, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || secret == "" {
		c.Header("WWW-Authenticate", `Bearer realm="delegate"`)
		h.failStatus(c, http.StatusUnauthorized, "error.unauthorized", nil)
		return
	}
	t, err := h.db.FindToken(c.Request.Context(), strings.TrimSpace(secret))
	if err != nil {
		if err != store.ErrNotFound {
			h.fail(c, err)
			return
		}
		c.Header("WWW-Authenticate", `Bearer realm="delegate", error="invalid_token"`)
		h.failStatus(c, http.StatusUnauthorized, "error.unauthorized", nil)
		return
	}
	c.Set("role", t.Role)
	c.Set("actor", store.Actor{Kind: "token", Name: t.Name, Address: c.ClientIP()})
	c.Next()
}

// requireRole lets through callers whose role has the rights of role.
func (h *Handler) requireRole(role string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !store.RoleAtLeast(c.GetString("role"), role) {
			h.failStatus(c, http.StatusForbidden, "error.forbidden", nil)
			return
		}
		c.Next()
	}
}

// caller is the actor authenticated for this request.
func caller(c *gin.Context) store.Actor {
	if a, ok := c.Get("actor"); ok {
		return a.(store.Actor)
	}
	return store.Actor{Kind: "anonymous", Address: c.ClientIP()}
}
