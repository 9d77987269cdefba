package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/static"
)

// Route is one entry of the route table, with the weakest role that may
// call it ("" for public routes).
type Route struct {
	Method, Path, Role string
}

// routes registers every route of the service with the weakest role that
// may call it; Server.Routes lists them.
func (h *Handler) routes(r *gin.Engine) {
	pub := func(method, path string, handlers ...gin.HandlerFunc) { h.add(r, "public", method, path, handlers...) }
	pub("GET", "/healthz", h.healthz)
	pub("GET", "/static/style.css", staticFile("style.css"))
	pub("GET", "/static/form.js", staticFile("form.js"))
	pub("GET", "/static/categories.css", h.categoriesCSS)

	pub("GET", "/", h.showHome)
	pub("GET", "/register", h.showRegistrationForm)
	pub("POST", "/register", h.rateLimited, limitBody, h.submitRegistration)

	pub("GET", "/r/:token", h.showManage)
	pub("GET", "/r/:token/edit", h.showEditForm)
	pub("POST", "/r/:token/edit", h.rateLimited, limitBody, h.submitEdit)
	pub("GET", "/r/:token/cancel", h.showCancel)
	pub("POST", "/r/:token/cancel", h.rateLimited, limitBody, h.submitCancel)
	pub("GET", "/r/:token/badge.pdf", h.myBadge)
	pub("GET", "/r/:token/letter.pdf", h.myLetter)
	pub("GET", "/r/:token/receipt.pdf", h.myReceipt)
	pub("GET", "/r/:token/pay", h.startPayment)
	pub("POST", "/stripe/webhook", limitBody, h.stripeWebhook)
	pub("GET", "/verify/:code", h.verifyLetter)

	api := r.Group("/api/v1", limitBody)
	h.add(api, "public", "POST", "/registrations", h.rateLimited, h.createRegistration)
	for _, rt := range []struct {
		method, path, role string
		handle             gin.HandlerFunc
	}{
		{"GET", "/registrations", "viewer", h.listRegistrations},
		{"GET", "/registrations/:reference", "viewer", h.getRegistration},
		{"POST", "/registrations/:reference/approve", "admin", h.approveRegistration},
		{"POST", "/registrations/:reference/reject", "admin", h.rejectRegistration},
		{"POST", "/registrations/:reference/cancel", "admin", h.cancelRegistration},
		{"GET", "/stats", "viewer", h.getStats},
		{"GET", "/registrations/:reference/badge.pdf", "desk", h.oneBadge},
		{"GET", "/badges.pdf", "desk", h.batchBadges},
		{"POST", "/checkins", "desk", h.postCheckin},
		{"GET", "/export/registrations.csv", "viewer", h.exportRegistrations("csv")},
		{"GET", "/export/registrations.xlsx", "viewer", h.exportRegistrations("xlsx")},
		{"GET", "/reports/:file", "viewer", h.sendReport},
		{"GET", "/conference", "viewer", h.getConference},
		{"PUT", "/conference", "admin", h.putConference},
	} {
		h.add(api, rt.role, rt.method, rt.path, h.authenticate, h.requireRole(rt.role), rt.handle)
	}

	h.adminRoutes(r.Group("/admin", limitBody))
}

// add registers a route and records its role.
func (h *Handler) add(g gin.IRoutes, role, method, path string, handlers ...gin.HandlerFunc) {
	full := path
	if rg, ok := g.(*gin.RouterGroup); ok {
		full = strings.TrimSuffix(rg.BasePath(), "/") + path
	}
	if full != "/" {
		full = strings.TrimSuffix(full, "/")
	}
	h.roles[method+" "+full] = role
	g.Handle(method, path, handlers...)
}

func staticFile(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		c.FileFromFS(name, http.FS(static.FS))
	}
}

func (h *Handler) healthz(c *gin.Context) {
	if err := h.db.Ping(c.Request.Context()); err != nil {
		c.String(http.StatusServiceUnavailable, "database unavailable\n")
		return
	}
	c.String(http.StatusOK, "ok\n")
}

// adminRoutes registers the organisers' pages.
func (h *Handler) adminRoutes(g *gin.RouterGroup) {
	h.add(g, "public", "GET", "/login", h.showLogin)
	h.add(g, "public", "POST", "/login", h.rateLimited, h.submitLogin)
	h.add(g, "public", "POST", "/logout", h.logout)
	h.add(g, "public", "GET", "/setup", h.showSetup)
	h.add(g, "public", "POST", "/setup", h.rateLimited, h.submitSetup)
	for _, p := range []struct {
		role, method, path string
		handle             gin.HandlerFunc
	}{
		{"viewer", "GET", "", h.showDashboard},
		{"viewer", "GET", "/registrations", h.showRegistrations},
		{"admin", "POST", "/registrations/bulk", h.bulkRegistrations},
		{"viewer", "GET", "/registrations/:reference", h.showRegistration},
		{"admin", "GET", "/registrations/:reference/edit", h.showRegistrationEdit},
		{"admin", "POST", "/registrations/:reference/edit", h.submitRegistrationEdit},
		{"admin", "POST", "/registrations/:reference/approve", h.adminApprove},
		{"admin", "POST", "/registrations/:reference/reject", h.adminReject},
		{"admin", "POST", "/registrations/:reference/cancel", h.adminCancel},
		{"desk", "POST", "/registrations/:reference/notes", h.addNote},
		{"admin", "GET", "/settings", h.showSettings},
		{"admin", "POST", "/settings", h.submitSettings},
		{"admin", "GET", "/users", h.showUsers},
		{"admin", "POST", "/users", h.createUser},
		{"admin", "POST", "/users/:id", h.updateUser},
		{"admin", "POST", "/users/:id/password", h.resetPassword},
		{"admin", "GET", "/tokens", h.showTokens},
		{"admin", "POST", "/tokens", h.createTokenPage},
		{"admin", "POST", "/tokens/:id/revoke", h.revokeToken},
		{"admin", "GET", "/audit", h.showAudit},
		{"viewer", "GET", "/mail", h.showMail},
		{"admin", "POST", "/mail/resend-failed", h.resendFailed},
		{"viewer", "GET", "/mail/:id", h.showMessage},
		{"viewer", "GET", "/mail/:id/html", h.messageHTML},
		{"admin", "POST", "/mail/:id/resend", h.resendMessage},
		{"admin", "GET", "/messages/new", h.showCompose},
		{"admin", "POST", "/messages", h.submitCompose},
		{"viewer", "GET", "/messages/:id", h.showCampaign},
		{"desk", "GET", "/badges", h.showBadges},
		{"desk", "GET", "/checkin", h.showDesk},
		{"desk", "POST", "/checkin", h.submitDesk},
		{"desk", "GET", "/badges.pdf", h.batchBadges},
		{"desk", "GET", "/registrations/:reference/badge.pdf", h.oneBadge},
		{"desk", "POST", "/registrations/:reference/reissue-badge", h.reissueBadge},
		{"finance", "POST", "/registrations/:reference/payment", h.deskPayment},
		{"viewer", "GET", "/letters", h.showLetters},
		{"viewer", "GET", "/export/registrations.csv", h.exportRegistrations("csv")},
		{"viewer", "GET", "/export/registrations.xlsx", h.exportRegistrations("xlsx")},
		{"viewer", "GET", "/reports", h.showReports},
		{"viewer", "GET", "/reports/:file", h.sendReport},
		{"viewer", "GET", "/participants.pdf", h.participants},
	} {
		h.add(g, p.role, p.method, p.path, h.organiser(p.role), p.handle)
	}
}

// categoriesCSS colours each category's marks: the colours are settings,
// and the Content-Security-Policy allows no inline style.
func (h *Handler) categoriesCSS(c *gin.Context) {
	var b strings.Builder
	for _, cat := range h.db.Settings().Categories {
		b.WriteString(".dot.c-" + cat.Code + "{background:" + cat.Colour + "}\n")
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/css; charset=utf-8", []byte(b.String()))
}
