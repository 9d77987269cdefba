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
		reason := ""
		if d.reason {
			reason = c.PostForm("reason")
		}
		_, err := d.take(h.db, c.Request.Context(), caller(c), c.Param("reference"), reason)
		h.afterChange(c, err, d.done, reason)
	}
}
