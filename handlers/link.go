package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// linkView is the "email me my link" page.
type linkView struct {
	Email string
	Sent  bool
}

func (h *Handler) showLinkForm(c *gin.Context) {
	h.render(c, http.StatusOK, "link", h.localizer(c).T("link.title"), linkView{Email: c.Query("email")})
}

// submitLink sends the private link to the address typed, if it has a
// registration. The answer is the same either way, so that the page tells
// nobody which addresses are registered. It is rate-limited per client,
// and the store sends one address its link once in ten minutes at most.
func (h *Handler) submitLink(c *gin.Context) {
	email := strings.TrimSpace(c.PostForm("email"))
	if email != "" && len(email) <= 254 {
		if err := h.db.SendLink(c.Request.Context(), h.actor(c, "delegate", ""), email); err != nil {
			h.fail(c, err)
			return
		}
	}
	h.render(c, http.StatusOK, "link", h.localizer(c).T("link.title"), linkView{Email: email, Sent: true})
}
