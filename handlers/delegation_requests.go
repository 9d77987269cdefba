package handlers

// Requests for a delegation: the public form, and the organisers'
// approval or refusal on the delegations page.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// requestView is the public form that asks for a delegation.
type requestView struct {
	delegationForm
	Done string // the delegation asked for, once sent
}

func (h *Handler) showDelegationRequest(c *gin.Context) {
	v := requestView{delegationForm: delegationForm{New: map[string]string{"quota": "3"}}}
	if c.Query("sent") != "" {
		v.Done = c.Query("sent")
	}
	v.options(h.localizer(c))
	h.render(c, http.StatusOK, "delegation_request", h.localizer(c).T("request.title"), v)
}

// submitDelegationRequest keeps a request; a bad value comes back at its
// field with what was typed.
func (h *Handler) submitDelegationRequest(c *gin.Context) {
	l := h.localizer(c)
	var v requestView
	d, ve := v.read(c)
	for _, k := range []string{"contact_name", "email", "message"} {
		v.New[k] = c.PostForm(k)
	}
	d.Language = l.Lang
	r := store.DelegationRequest{Delegation: d, ContactName: v.New["contact_name"], Email: v.New["email"], Message: v.New["message"]}
	if ve.Err() == nil {
		_, err := h.db.RequestDelegation(c.Request.Context(), h.actor(c, "public", r.Email), r)
		if err == nil {
			c.Redirect(http.StatusSeeOther, "/delegations/request?sent="+url.QueryEscape(strings.TrimSpace(d.Name))+"&lang="+l.Lang)
			return
		}
		if !asError(err, &ve) {
			h.fail(c, err)
			return
		}
	} else {
		ve.Merge(r.Validate()) // every field's problem at once, not the numbers' alone
	}
	v.Errors = fieldMessages(l, ve)
	v.options(l)
	h.render(c, http.StatusUnprocessableEntity, "delegation_request", l.T("request.title"), v)
}

// approveDelegationRequest makes the delegation asked for, with the quota
// the organiser grants.
func (h *Handler) approveDelegationRequest(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	l := h.localizer(c)
	quota, err := strconv.Atoi(strings.TrimSpace(c.PostForm("quota")))
	if err != nil {
		quota = -1
	}
	d, err := h.db.ApproveDelegationRequest(c.Request.Context(), caller(c), id, quota)
	back := "/admin/delegations"
	if err == nil {
		back += "/" + strconv.FormatInt(d.ID, 10)
	}
	h.afterForm(c, err, l.T("admin.requests.approved", d.Name), back)
}

// refuseDelegationRequest refuses a request with the reason the
// requester is told.
func (h *Handler) refuseDelegationRequest(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	err := h.db.RefuseDelegationRequest(c.Request.Context(), caller(c), id, c.PostForm("reason"))
	h.afterForm(c, err, h.localizer(c).T("admin.requests.refused"), "/admin/delegations")
}
