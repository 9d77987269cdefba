package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// webhooksView is the organisers' page of outgoing webhooks.
type webhooksView struct {
	Endpoints  []store.Webhook
	Deliveries []store.HookDelivery
	Events     []string
	// Secret is a new endpoint's signing secret, shown this once.
	Secret string
	URL    string
	Chosen []string
	Errors map[string]string
}

func (h *Handler) webhooksPage(c *gin.Context, status int, v webhooksView) {
	ctx := c.Request.Context()
	var err error
	if v.Endpoints, err = h.db.Webhooks(ctx); err == nil {
		v.Deliveries, err = h.db.HookDeliveries(ctx, 50)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	v.Events = store.HookEvents
	h.render(c, status, "webhooks", h.localizer(c).T("admin.webhooks.title"), v)
}

func (h *Handler) showWebhooks(c *gin.Context) { h.webhooksPage(c, http.StatusOK, webhooksView{}) }

// submitWebhook adds an endpoint and shows its secret once.
func (h *Handler) submitWebhook(c *gin.Context) {
	v := webhooksView{URL: c.PostForm("url"), Chosen: c.PostFormArray("events")}
	_, secret, err := h.db.CreateWebhook(c.Request.Context(), caller(c), v.URL, v.Chosen)
	var ve *store.ValidationError
	switch {
	case asError(err, &ve):
		v.Errors = fieldMessages(h.localizer(c), ve)
		h.webhooksPage(c, http.StatusUnprocessableEntity, v)
	case err != nil:
		h.fail(c, err)
	default:
		c.Header("Cache-Control", "no-store")
		h.webhooksPage(c, http.StatusOK, webhooksView{Secret: secret})
	}
}

// submitWebhookActive turns an endpoint on or off.
func (h *Handler) submitWebhookActive(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.fail(c, store.ErrNotFound)
		return
	}
	err = h.db.SetWebhookActive(c.Request.Context(), caller(c), id, c.PostForm("active") == "1")
	h.afterForm(c, err, h.localizer(c).T("admin.webhooks.saved"), "/admin/webhooks")
}
