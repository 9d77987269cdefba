package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// decision is an organiser's decision on a registration, as the API, a
// registration's page and the list's bulk action all take it.
type decision struct {
	name   string // the action's word: approve, reject, cancel
	reason bool   // the delegate is told the organisers' reason
	done   string // catalog key of the message after it
	take   func(db *store.DB, ctx context.Context, a store.Actor, reference, reason string) (store.Registration, error)
}

var (
	approve = decision{"approve", false, "admin.done.approved",
		func(db *store.DB, ctx context.Context, a store.Actor, ref, _ string) (store.Registration, error) {
			return db.ApproveRegistration(ctx, a, ref)
		}}
	reject = decision{"reject", true, "admin.done.rejected",
		func(db *store.DB, ctx context.Context, a store.Actor, ref, reason string) (store.Registration, error) {
			return db.RejectRegistration(ctx, a, ref, reason)
		}}
	cancel = decision{"cancel", true, "admin.done.cancelled",
		func(db *store.DB, ctx context.Context, a store.Actor, ref, reason string) (store.Registration, error) {
			return db.CancelRegistration(ctx, a, ref, reason)
		}}
)

// bulkDecisions are the decisions the registrations list takes for many
// rows at once.
var bulkDecisions = map[string]decision{approve.name: approve, reject.name: reject}

// apiDecision takes d through the API: the reason, where d has one, comes
// in an optional JSON body.
func (h *Handler) apiDecision(d decision) gin.HandlerFunc {
	return func(c *gin.Context) {
		reason := ""
		if d.reason && c.Request.ContentLength != 0 {
			var b struct {
				Reason string `json:"reason"`
			}
			if !h.decodeJSON(c, &b) {
				return
			}
			reason = b.Reason
		}
		r, err := d.take(h.db, c.Request.Context(), caller(c), c.Param("reference"), reason)
		if err != nil {
			h.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toAPI(r))
	}
}

// adminDecision takes d from a registration's page, with the reason typed
// there.
func (h *Handler) adminDecision(d decision) gin.HandlerFunc {
	return func(c *gin.Context) {
		if d.name == cancel.name && !h.confirmed(c, "admin.confirm.cancel.title", "admin.confirm.cancel.lead", "admin.confirm.cancel.button") {
			return
		}
		reason := ""
		if d.reason {
			reason = c.PostForm("reason")
		}
		_, err := d.take(h.db, c.Request.Context(), caller(c), c.Param("reference"), reason)
		h.afterChange(c, err, d.done, reason)
	}
}

// confirmedView asks for a second press before something that cannot be
// undone; Fields carry what was posted.
type confirmedView struct {
	Lead, Button, Action, Back string
	Fields                     []hiddenField
}

// hiddenField is a posted field carried into the next form.
type hiddenField struct{ Name, Value string }

// confirmed reports whether the organiser confirmed the posted action on
// the registration in the path; if not, it shows a page that says what
// the action does (the catalog's title, lead and button; the first two
// given the delegate) and posts the same form again with confirm=1.
func (h *Handler) confirmed(c *gin.Context, title, lead, button string) bool {
	return h.confirmedThen(c, title, lead, button, "/admin/registrations/"+store.NormalReference(c.Param("reference")))
}

// confirmedThen is confirmed with the page to go back to.
func (h *Handler) confirmedThen(c *gin.Context, title, lead, button, back string) bool {
	if c.PostForm("confirm") == "1" {
		return true
	}
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return false
	}
	l := h.localizer(c)
	who := r.FullName() + " (" + r.Reference + ")"
	v := confirmedView{Lead: l.T(lead, who), Button: l.T(button), Action: c.Request.URL.Path, Back: back}
	for name, values := range c.Request.PostForm {
		if name != "confirm" && len(values) > 0 {
			v.Fields = append(v.Fields, hiddenField{Name: name, Value: values[0]})
		}
	}
	h.render(c, http.StatusOK, "confirm", l.T(title, who), v)
	return false
}
