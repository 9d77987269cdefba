package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
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
	res, err := h.db.CheckIn(c.Request.Context(), caller(c), store.CheckinRequest{Code: b.Code, Force: b.Force})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, checkinAnswer{Registration: toAPI(res.Registration), CheckedInAt: res.At, Already: res.Already})
}

// deskView is the check-in desk page: the last scan's outcome and a search.
type deskView struct {
	Outcome string // "ok", "again", "warn" or "stop"
	Message string
	R       *store.Registration
	Labels  labels
	// Code or Reference is what was checked in; on a refusal with Retry
	// the page posts it again, to check in anyway or take the fee.
	Code, Reference string
	Retry           bool
	Q               string
	Found           []store.Registration
	CanForce        bool
	CanTake         bool // may take the fee at the desk (finance)
	Due             bool // refused because the fee is due
	L               *i18n.Localizer
}

func (h *Handler) showDesk(c *gin.Context) {
	v := deskView{Q: strings.TrimSpace(c.Query("q")), L: h.localizer(c)}
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
	l := h.localizer(c)
	role := c.GetString("role")
	v := deskView{CanForce: store.RoleAtLeast(role, "admin"), CanTake: store.RoleAtLeast(role, "finance"),
		Code: strings.TrimSpace(c.PostForm("code")), Reference: c.PostForm("reference")}
	req := store.CheckinRequest{Code: v.Code, Reference: v.Reference,
		Force: c.PostForm("force") != "" && v.CanForce}
	if c.PostForm("paid") != "" && v.CanTake {
		req.Fee = store.PaymentPaid // the delegate pays at the desk: recorded, then checked in
	}
	res, err := h.db.CheckIn(c.Request.Context(), caller(c), req)
	var ce *store.ConflictError
	status := http.StatusOK
	switch {
	case err == nil:
		v.Outcome, v.Message = "ok", l.T("admin.checkin.ok")
		if res.Already {
			v.Outcome, v.Message = "again", l.T("admin.checkin.again")
		}
	case err == store.ErrNotFound:
		v.Outcome, v.Message, status = "stop", l.T("admin.checkin.unknown"), http.StatusNotFound
	case asError(err, &ce):
		status = http.StatusConflict
		v.Outcome, v.Message, v.Retry = "warn", l.T("admin.checkin."+ce.Reason), true
		v.Due = ce.Reason == "payment_due"
		switch ce.Reason {
		case "revoked_badge":
			v.Outcome, v.Retry = "stop", false
		case "not_live":
			v.Outcome, v.Retry = "stop", false
			v.Message = l.T("admin.checkin.not_live", strings.ToLower(l.T("status."+res.Registration.Status)))
		case "payment_due":
			if !v.CanTake {
				v.Message += " " + l.T("admin.checkin.payment_elsewhere")
			}
		}
	default:
		h.fail(c, err)
		return
	}
	if res.Registration.ID != 0 {
		s := h.db.Settings()
		v.R = &res.Registration
		v.Labels = labelsOf(v.R, &s, l)
	}
	h.render(c, status, "checkin", l.T("admin.checkin.title"), v)
}
