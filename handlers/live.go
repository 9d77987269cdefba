package handlers

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// liveView is the desk lead's view of who is in.
type liveView struct {
	A         store.Arrivals
	Refused   []scanLine
	Charts    []chart
	Arriving  bool
	ExportURL string
}

// showLive is the live view of the desks: today's arrivals, by desk and
// by category, the last 15 minutes, who is expected and not arrived, and
// the offline scans refused when they came in. The page refreshes its
// numbers in place while delegates arrive (form.js), and reads whole
// without script.
func (h *Handler) showLive(c *gin.Context) {
	l, s := h.localizer(c), h.db.Settings()
	a, err := h.db.ArrivalsNow(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	refused, err := h.db.RefusedAfterSync(c.Request.Context(), 50)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := liveView{A: a, Arriving: a.Today > 0, ExportURL: "/admin/export/registrations.csv?status=approved&arrived=no&sort=name"}
	for _, sc := range refused {
		v.Refused = append(v.Refused, scanLineOf(l, &s, sc, "2006-01-02 15:04"))
	}
	var desks, cats []bar
	for d, n := range a.ByDesk {
		desks = append(desks, bar{Label: d, Value: n})
	}
	slices.SortFunc(desks, func(x, y bar) int { return cmp.Or(cmp.Compare(y.Value, x.Value), cmp.Compare(x.Label, y.Label)) })
	for _, cat := range s.Categories {
		if n := a.ByCategory[cat.Code]; n > 0 {
			cats = append(cats, bar{Label: cat.Name.In(l.Lang), Value: n, Colour: cat.Colour})
		}
	}
	v.Charts = []chart{barChart("desks", l.T("admin.live.by_desk"), desks), barChart("categories", l.T("admin.live.by_category"), cats),
		columnChart("arrivals", l.T("admin.dash.checkins_per_day"), a.ByDay, l)}
	h.render(c, http.StatusOK, "live", l.T("admin.live.title"), v)
}

// liveJSON is the same count for a screen or another system.
func (h *Handler) liveJSON(c *gin.Context) {
	a, err := h.db.ArrivalsNow(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, a)
}
