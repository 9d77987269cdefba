package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type homeView struct {
	When string
	Open bool
	Fees []feeLine
}

func (h *Handler) showHome(c *gin.Context) {
	l := h.localizer(c)
	s := h.db.Settings()
	h.render(c, http.StatusOK, "home", "", homeView{
		When: l.DateRange(s.Start(), s.End()),
		Open: s.RegistrationOpen(h.db.Now()),
		Fees: feeLines(l, &s, h.db.Now()),
	})
}
