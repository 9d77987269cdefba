package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"delegate/static"
)

// Route is one entry of the route table, with the weakest role that may
// call it ("" for public routes).
type Route struct {
	Method, Path, Role string
}

// routes registers every route of the service; Routes lists them.
func (h *Handler) routes(r *gin.Engine) {
	r.GET("/healthz", h.healthz)
	r.StaticFileFS("/static/style.css", "style.css", http.FS(static.FS))
	r.StaticFileFS("/static/form.js", "form.js", http.FS(static.FS))

	r.GET("/", h.showHome)
	r.GET("/register", h.showRegistrationForm)
	r.POST("/register", h.rateLimited, limitBody, h.submitRegistration)

	r.GET("/r/:token", h.showManage)
	r.GET("/r/:token/edit", h.showEditForm)
	r.POST("/r/:token/edit", h.rateLimited, limitBody, h.submitEdit)
	r.GET("/r/:token/cancel", h.showCancel)
	r.POST("/r/:token/cancel", h.rateLimited, limitBody, h.submitCancel)

	api := r.Group("/api/v1", limitBody)
	api.POST("/registrations", h.rateLimited, h.createRegistration)
	for _, rt := range h.apiRoutes() {
		api.Handle(rt.Method, rt.Path, h.authenticate, h.requireRole(rt.Role), rt.handle)
	}
}

type apiRoute struct {
	Route
	handle gin.HandlerFunc
}

// apiRoutes are the organiser calls, each with its weakest role.
func (h *Handler) apiRoutes() []apiRoute {
	return []apiRoute{
		{Route{http.MethodGet, "/registrations", "viewer"}, h.listRegistrations},
		{Route{http.MethodGet, "/registrations/:reference", "viewer"}, h.getRegistration},
		{Route{http.MethodPost, "/registrations/:reference/approve", "admin"}, h.approveRegistration},
		{Route{http.MethodPost, "/registrations/:reference/reject", "admin"}, h.rejectRegistration},
		{Route{http.MethodPost, "/registrations/:reference/cancel", "admin"}, h.cancelRegistration},
		{Route{http.MethodGet, "/stats", "viewer"}, h.getStats},
		{Route{http.MethodGet, "/conference", "viewer"}, h.getConference},
		{Route{http.MethodPut, "/conference", "admin"}, h.putConference},
	}
}

// OrganiserRoutes lists the routes that need an organiser's role, with that
// role, so that tests can check every one of them.
func OrganiserRoutes() []Route {
	var out []Route
	for _, rt := range (*Handler)(nil).apiRoutes() {
		out = append(out, Route{rt.Method, "/api/v1" + rt.Path, rt.Role})
	}
	return out
}

func (h *Handler) healthz(c *gin.Context) {
	if err := h.db.Ping(c.Request.Context()); err != nil {
		c.String(http.StatusServiceUnavailable, "database unavailable\n")
		return
	}
	c.String(http.StatusOK, "ok\n")
}
