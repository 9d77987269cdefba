package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// checkinBody is the body of POST /api/v1/checkins.
type checkinBody struct {
	Code  string `json:"code"`
	Force bool   `json:"force"`
}

// checkinAnswer is what the API answers to a check-in.
type checkinAnswer struct {
	Registration apiRegistration `json:"registration"`
	CheckedInAt  time.Time       `json:"checked_in_at"`
	Already      bool            `json:"already"`
}

func (h *Handler) postCheckin(c *gin.Context) {
	var b checkinBody
	if !h.decodeJSON(c, &b) {
		return
	}
	if b.Force && !store.RoleAtLeast(c.GetString("role"), "admin") {
		h.failStatus(c, http.StatusForbidden, "error.forbidden", nil)
		return
	}
	res, err := h.db.CheckIn(c.Request.Context(), caller(c), b.Code, b.Force)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, checkinAnswer{Registration: toAPI(res.Registration), CheckedInAt: res.At, Already: res.Already})
}

// deskView is the check-in desk page: the last scan's outcome and a search.
type deskView struct {
	Outcome  string // "ok", "again", "warn" or "stop"
	Message  string
	R        *store.Registration
	Labels   labels
	Code     string // of a refused scan, for "check in anyway"
	Q        string
	Found    []store.Registration
	CanForce bool
	CanTake  bool // may take the fee at the desk (finance)
	Due      bool // refused because the fee is due
}

func (h *Handler) showDesk(c *gin.Context) {
	v := deskView{Q: strings.TrimSpace(c.Query("q"))}
	if v.Q != "" {
		list, _, err := h.db.FindRegistrations(c.Request.Context(), store.Filter{Q: v.Q, Sort: "name", PerPage: 20})
		if err != nil {
			h.fail(c, err)
			return
		}
		v.Found = list
	}
	h.render(c, http.StatusOK, "checkin", h.localizer(c).T("admin.checkin.title"), v)
}

// submitDesk checks in a scanned code, or the registration chosen from a
// search, and shows green, amber or red.
func (h *Handler) submitDesk(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	code := strings.TrimSpace(c.PostForm("code"))
	if ref := c.PostForm("reference"); ref != "" {
		r, err := h.db.FindRegistration(ctx, ref)
		if err != nil {
			h.fail(c, err)
			return
		}
		code = h.db.CheckinCode(r)
	}
	role := c.GetString("role")
	force := c.PostForm("force") != "" && store.RoleAtLeast(role, "admin")
	v := deskView{CanForce: store.RoleAtLeast(role, "admin"), CanTake: store.RoleAtLeast(role, "finance")}
	if c.PostForm("paid") != "" && v.CanTake {
		// the delegate pays at the desk: record it, then check in
		if ref, _, ok := h.db.ParseCheckinCode(code); ok {
			if r, err := h.db.FindRegistration(ctx, ref); err == nil && r.PaymentStatus == store.PaymentUnpaid {
				if err := h.takeAtDesk(c, r, store.PaymentPaid); err != nil {
					h.fail(c, err)
					return
				}
			}
		}
	}
	res, err := h.db.CheckIn(ctx, caller(c), code, force)
	var ce *store.ConflictError
	status := http.StatusOK
	switch {
	case err == nil:
		r := res.Registration
		v.R, v.Outcome, v.Message = &r, "ok", l.T("admin.checkin.ok")
		if res.Already {
			v.Outcome, v.Message = "again", l.T("admin.checkin.again")
		}
	case err == store.ErrNotFound:
		v.Outcome, v.Message, status = "stop", l.T("admin.checkin.unknown"), http.StatusNotFound
	case asError(err, &ce):
		status = http.StatusConflict
		v.Outcome, v.Message, v.Code = "warn", l.T("admin.checkin."+ce.Reason), code
		v.Due = ce.Reason == "payment_due"
		if ce.Reason == "revoked_badge" {
			v.Outcome, v.Code = "stop", ""
		}
		if ref, _, ok := h.db.ParseCheckinCode(code); ok {
			if r, err := h.db.FindRegistration(ctx, ref); err == nil {
				v.R = &r
			}
		}
	default:
		h.fail(c, err)
		return
	}
	if v.R != nil {
		s := h.db.Settings()
		v.Labels = labelsOf(v.R, &s, l)
	}
	h.render(c, status, "checkin", l.T("admin.checkin.title"), v)
}
