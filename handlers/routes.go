package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/static"
)

// Route is one route of the service, with the weakest role that may call
// it ("public" for everyone).
type Route struct {
	Method, Path, Role string
}

// route is a row of a route table: the weakest role that may call it
// ("public" for everyone), the method, the path and the handler.
type route struct {
	role, method, path string
	handle             gin.HandlerFunc
}

// routes registers every route of the service; Server.Routes lists them.
// Every request body is limited in size; a route not public passes its
// guard first; public forms and the public API call are rate-limited per
// client (h.limit).
func (h *Handler) routes(r *gin.Engine) {
	r.Use(h.limitBody)
	for _, rt := range h.routeTable() {
		methods := []string{rt.method}
		if rt.method == http.MethodGet {
			methods = append(methods, http.MethodHead) // monitors ask with HEAD
		}
		for _, m := range methods {
			h.roles[m+" "+rt.path] = rt.role
			r.Handle(m, rt.path, append(h.guard(rt), rt.handle)...)
		}
	}
}

// guard is what a route checks before its handler: nothing for a public
// one, a bearer token of the role under /api/v1, a signed-in organiser of
// the role under /admin.
func (h *Handler) guard(rt route) []gin.HandlerFunc {
	switch {
	case rt.role == "public":
		return nil
	case strings.HasPrefix(rt.path, "/api/"):
		return []gin.HandlerFunc{h.authenticate, h.requireRole(rt.role)}
	case rt.role == "focal":
		return []gin.HandlerFunc{h.focalPoint}
	default:
		return []gin.HandlerFunc{h.organiser(rt.role)}
	}
}

// routeTable is every route of the service: the public pages, the
// delegate's private pages, the API and the organisers' pages.
func (h *Handler) routeTable() []route {
	return []route{
		{"public", "GET", "/healthz", h.healthz},
		{"public", "GET", "/static/style.css", staticFile("style.css")},
		{"public", "GET", "/static/form.js", staticFile("form.js")},
		{"public", "GET", "/static/categories.css", h.categoriesCSS},
		{"public", "GET", "/", h.showHome},
		{"public", "GET", "/privacy", h.showPrivacy},
		{"public", "GET", "/register", h.showRegistrationForm},
		{"public", "POST", "/register", h.limit(h.submitRegistration)},
		{"public", "GET", "/r/:token", h.showManage},
		{"public", "GET", "/r/:token/edit", h.showEditForm},
		{"public", "POST", "/r/:token/edit", h.limit(h.submitEdit)},
		{"public", "GET", "/r/:token/cancel", h.showCancel},
		{"public", "POST", "/r/:token/cancel", h.limit(h.submitCancel)},
		{"public", "GET", "/r/:token/badge.pdf", h.myBadge},
		{"public", "GET", "/r/:token/letter.pdf", h.myLetter},
		{"public", "GET", "/r/:token/conference.ics", h.myCalendar},
		{"public", "GET", "/r/:token/receipt.pdf", h.myReceipt},
		{"public", "GET", "/r/:token/certificate.pdf", h.myCertificate},
		{"public", "GET", "/r/:token/participants.pdf", h.myParticipants},
		{"public", "POST", "/r/:token/list", h.limit(h.submitListChoice)},
		{"public", "POST", "/r/:token/accept-offer", h.limit(h.submitAcceptOffer)},
		{"public", "POST", "/r/:token/photo", h.limit(h.submitMyPhoto)},
		{"public", "GET", "/r/:token/photo.jpg", h.myPhoto},
		{"public", "POST", "/r/:token/consent", h.limit(h.submitConsent)},
		{"public", "GET", "/r/:token/my-data", h.myData("page")},
		{"public", "GET", "/r/:token/my-data.json", h.myData("json")},
		{"public", "GET", "/r/:token/erase", h.showErase},
		{"public", "POST", "/r/:token/erase", h.limit(h.submitErase)},
		{"public", "GET", "/r/:token/pay", h.startPayment},
		{"public", "GET", "/r/:token/proforma.pdf", h.myProforma},
		{"public", "GET", "/r/:token/invoice.pdf", h.myInvoice},
		{"public", "POST", "/stripe/webhook", h.stripeWebhook},
		{"public", "GET", "/link", h.showLinkForm},
		{"public", "POST", "/link", h.limit(h.submitLink)},
		{"public", "GET", "/verify", h.showVerifyForm},
		{"public", "POST", "/verify", h.limit(h.submitVerify)},
		{"public", "GET", "/verify/:code", h.verifyLetter},

		// the JSON API, for a bearer token's role
		{"public", "POST", "/api/v1/registrations", h.limit(h.createRegistration)},
		{"viewer", "GET", "/api/v1/registrations", h.listRegistrations},
		{"viewer", "GET", "/api/v1/registrations/:reference", h.getRegistration},
		{"admin", "POST", "/api/v1/registrations/:reference/approve", h.apiDecision(approve)},
		{"admin", "POST", "/api/v1/registrations/:reference/reject", h.apiDecision(reject)},
		{"admin", "POST", "/api/v1/registrations/:reference/cancel", h.apiDecision(cancel)},
		{"viewer", "GET", "/api/v1/stats", h.getStats},
		{"desk", "GET", "/api/v1/registrations/:reference/badge.pdf", h.oneBadge},
		{"desk", "GET", "/api/v1/badges.pdf", h.batchBadges},
		{"desk", "POST", "/api/v1/checkins", h.postCheckin},
		{"desk", "GET", "/api/v1/checkin/roster", h.roster},
		{"desk", "POST", "/api/v1/checkin/sync", h.sync},
		{"desk", "GET", "/api/v1/checkin/live", h.liveJSON},
		{"viewer", "GET", "/api/v1/export/registrations.csv", h.exportRegistrations("csv")},
		{"viewer", "GET", "/api/v1/export/registrations.xlsx", h.exportRegistrations("xlsx")},
		{"viewer", "GET", "/api/v1/reports/:file", h.sendReport},
		{"viewer", "GET", "/api/v1/conference", h.getConference},
		{"viewer", "GET", "/api/v1/delegations", h.apiDelegations},
		{"admin", "POST", "/api/v1/delegations", h.apiCreateDelegation},
		{"viewer", "GET", "/api/v1/delegations/:id", h.apiGetDelegation},
		{"admin", "PUT", "/api/v1/delegations/:id", h.apiUpdateDelegation},
		{"admin", "POST", "/api/v1/delegations/:id/credentials", h.apiCredentials},
		{"viewer", "GET", "/api/v1/delegations/:id/members", h.apiMembers},
		{"admin", "POST", "/api/v1/delegations/:id/members", h.apiAddMember},
		{"admin", "PUT", "/api/v1/conference", h.putConference},

		// the organisers' pages, for the signed-in organiser's role
		{"public", "GET", "/admin/login", h.showLogin},
		{"public", "POST", "/admin/login", h.limit(h.submitLogin)},
		{"public", "POST", "/admin/logout", h.logout},
		{"public", "GET", "/admin/login/code", h.showCodeForm},
		{"public", "POST", "/admin/login/code", h.limit(h.submitCode)},
		{"viewer", "GET", "/admin/account", h.showAccount},
		{"viewer", "POST", "/admin/account/2fa/start", h.startEnrolment},
		{"viewer", "POST", "/admin/account/2fa", h.confirmEnrolment},
		{"public", "POST", "/admin/login/passkey", h.limit(h.submitPasskey)},
		{"viewer", "POST", "/admin/account/passkeys", h.addPasskey},
		{"viewer", "POST", "/admin/account/passkeys/:id/remove", h.removePasskey},
		{"public", "GET", "/static/passkey.js", staticFile("passkey.js")},
		{"public", "GET", "/admin/setup", h.showSetup},
		{"public", "POST", "/admin/setup", h.limit(h.submitSetup)},
		{"viewer", "GET", "/admin", h.showDashboard},
		{"viewer", "GET", "/admin/registrations", h.showRegistrations},
		{"admin", "POST", "/admin/registrations/bulk", h.bulkRegistrations},
		{"viewer", "GET", "/admin/registrations/:reference", h.showRegistration},
		{"admin", "GET", "/admin/registrations/:reference/edit", h.showRegistrationEdit},
		{"admin", "POST", "/admin/registrations/:reference/edit", h.submitRegistrationEdit},
		{"admin", "POST", "/admin/registrations/:reference/approve", h.adminDecision(approve)},
		{"admin", "POST", "/admin/registrations/:reference/reject", h.adminDecision(reject)},
		{"admin", "POST", "/admin/registrations/:reference/cancel", h.adminDecision(cancel)},
		{"admin", "POST", "/admin/registrations/:reference/send-link", h.sendLink},
		{"admin", "POST", "/admin/registrations/:reference/waitlist-again", h.waitlistAgain},
		{"admin", "POST", "/admin/registrations/:reference/erasure-request", h.recordErasureRequest},
		{"admin", "POST", "/admin/registrations/:reference/erase", h.confirmErasure},
		{"admin", "GET", "/admin/erasures", h.showErasures},
		{"admin", "GET", "/admin/privacy", h.showNotices},
		{"admin", "GET", "/admin/webhooks", h.showWebhooks},
		{"admin", "POST", "/admin/webhooks", h.submitWebhook},
		{"admin", "POST", "/admin/webhooks/:id/active", h.submitWebhookActive},
		{"admin", "POST", "/admin/privacy", h.submitNotice},
		{"admin", "GET", "/admin/registrations/:reference/letter.pdf", h.adminLetter},
		{"viewer", "GET", "/admin/registrations/:reference/as-delegate", h.asDelegate},
		{"desk", "POST", "/admin/registrations/:reference/notes", h.addNote},
		{"admin", "GET", "/admin/settings", h.showSettings},
		{"admin", "POST", "/admin/settings", h.submitSettings},
		{"admin", "GET", "/admin/settings/places", h.showPlaces},
		{"admin", "POST", "/admin/settings/places", h.submitPlaces},
		{"admin", "GET", "/admin/settings/money", h.showMoney},
		{"admin", "POST", "/admin/settings/money", h.submitMoney},
		{"public", "GET", "/delegations/request", h.showDelegationRequest},
		{"public", "POST", "/delegations/request", h.limit(h.submitDelegationRequest)},
		{"public", "GET", "/focal/login", h.showFocalLogin},
		{"public", "POST", "/focal/login", h.limit(h.submitFocalLogin)},
		{"public", "GET", "/focal/auth", h.focalAuth},
		{"focal", "POST", "/focal/logout", h.focalLogout},
		{"focal", "GET", "/focal", h.showFocalHome},
		{"focal", "GET", "/focal/delegations/:id", h.showFocalDelegation},
		{"focal", "GET", "/focal/delegations/:id/members/new", h.showFocalAdd},
		{"focal", "POST", "/focal/delegations/:id/members", h.submitFocalAdd},
		{"focal", "POST", "/focal/delegations/:id/members/:reference/role", h.submitFocalRole},
		{"focal", "POST", "/focal/delegations/:id/members/:reference/withdraw", h.submitFocalWithdraw},
		{"focal", "POST", "/focal/delegations/:id/members/:reference/list", h.submitFocalList},
		{"focal", "GET", "/focal/delegations/:id/members/:reference/proforma.pdf", h.focalProforma},
		{"focal", "GET", "/focal/delegations/:id/proforma.pdf", h.delegationProforma},
		{"focal", "GET", "/focal/delegations/:id/invoice.pdf", h.focalInvoice},
		{"focal", "GET", "/focal/delegations/:id/members/:reference/substitute", h.showFocalSubstitute},
		{"focal", "POST", "/focal/delegations/:id/members/:reference/substitute", h.submitFocalSubstitute},
		{"focal", "POST", "/focal/delegations/:id/note", h.submitFocalNote},
		{"focal", "GET", "/focal/delegations/:id/note", h.focalNote},
		{"viewer", "GET", "/admin/delegations", h.showDelegations},
		{"admin", "GET", "/admin/delegations/:id/edit", h.showDelegationEdit},
		{"admin", "POST", "/admin/delegations/:id/edit", h.submitDelegationEdit},
		{"admin", "POST", "/admin/delegations/requests/:id/approve", h.approveDelegationRequest},
		{"admin", "POST", "/admin/delegations/requests/:id/refuse", h.refuseDelegationRequest},
		{"viewer", "GET", "/admin/delegations/:id/note", h.adminNote},
		{"finance", "GET", "/admin/delegations/:id/proforma.pdf", h.delegationProforma},
		{"finance", "POST", "/admin/delegations/:id/invoice", h.submitDelegationInvoice},
		{"admin", "POST", "/admin/delegations/:id/credentials", h.submitCredentials},
		{"admin", "POST", "/admin/delegations", h.createDelegation},
		{"viewer", "GET", "/admin/delegations/:id", h.showDelegation},
		{"admin", "POST", "/admin/settings/signature", h.submitSignature},
		{"admin", "GET", "/admin/settings/signature.png", h.signatureImage},
		{"admin", "GET", "/admin/users", h.showUsers},
		{"admin", "POST", "/admin/users", h.createUser},
		{"admin", "POST", "/admin/users/:id", h.updateUser},
		{"admin", "POST", "/admin/users/:id/password", h.resetPassword},
		{"admin", "GET", "/admin/codes", h.showCodes},
		{"admin", "POST", "/admin/codes", h.createCode},
		{"admin", "POST", "/admin/codes/:id/revoke", h.revokeCode},
		{"admin", "GET", "/admin/tokens", h.showTokens},
		{"admin", "POST", "/admin/tokens", h.createTokenPage},
		{"admin", "POST", "/admin/tokens/:id/revoke", h.revokeToken},
		{"admin", "GET", "/admin/audit", h.showAudit},
		{"viewer", "GET", "/admin/mail", h.showMail},
		{"admin", "POST", "/admin/mail/resend-failed", h.resendFailed},
		{"viewer", "GET", "/admin/mail/:id", h.showMessage},
		{"viewer", "GET", "/admin/mail/:id/html", h.messageHTML},
		{"admin", "POST", "/admin/mail/:id/resend", h.resendMessage},
		{"admin", "GET", "/admin/messages/new", h.showCompose},
		{"admin", "POST", "/admin/messages", h.submitCompose},
		{"viewer", "GET", "/admin/messages/:id", h.showCampaign},
		{"desk", "GET", "/admin/badges", h.showBadges},
		{"desk", "POST", "/admin/badges/jobs", h.createPrintJob},
		{"desk", "GET", "/admin/badges/jobs/:id", h.showPrintJob},
		{"desk", "POST", "/admin/badges/jobs/:id/parts/:part", h.printPart},
		{"public", "GET", "/static/printjob.js", staticFile("printjob.js")},
		{"desk", "GET", "/admin/checkin", h.showDesk},
		{"desk", "POST", "/admin/checkin", h.submitDesk},
		{"desk", "POST", "/admin/checkin/desk", h.submitDeskName},
		{"desk", "GET", "/admin/checkin/roster", h.roster},
		{"desk", "POST", "/admin/checkin/sync", h.sync},
		{"desk", "GET", "/admin/checkin/live", h.showLive},
		{"desk", "GET", "/admin/checkin/live.json", h.liveJSON},
		{"public", "GET", "/admin/checkin/manifest.webmanifest", h.deskManifest},
		{"public", "GET", "/admin/desk-sw.js", deskWorker},
		{"public", "GET", "/static/desk.js", staticFile("desk.js")},
		{"public", "GET", "/static/desk-camera.js", staticFile("desk-camera.js")},
		{"public", "GET", "/static/desk-icon.svg", staticFile("desk-icon.svg")},
		{"desk", "POST", "/admin/registrations/:reference/badge-printed", h.badgePrinted},
		{"desk", "GET", "/admin/registrations/:reference/photo.jpg", h.adminPhoto},
		{"desk", "POST", "/admin/registrations/:reference/photo", h.submitAdminPhoto},
		{"desk", "GET", "/admin/badges.pdf", h.batchBadges},
		{"desk", "POST", "/admin/badges.pdf", h.batchBadges},
		{"desk", "GET", "/admin/registrations/:reference/badge.pdf", h.oneBadge},
		{"desk", "POST", "/admin/registrations/:reference/badge.pdf", h.oneBadge},
		{"desk", "POST", "/admin/registrations/:reference/reissue-badge", h.reissueBadge},
		{"finance", "POST", "/admin/registrations/:reference/payment", h.deskPayment},
		{"finance", "POST", "/admin/registrations/:reference/transfer", h.submitTransfer},
		{"finance", "POST", "/admin/registrations/:reference/refund", h.submitRefund},
		{"finance", "GET", "/admin/finance", h.showFinance},
		{"finance", "GET", "/admin/finance/payments.csv", h.exportPayments("csv")},
		{"finance", "GET", "/admin/finance/payments.xlsx", h.exportPayments("xlsx")},
		{"finance", "GET", "/admin/finance/invoices.csv", h.exportInvoices("csv")},
		{"finance", "GET", "/admin/finance/invoices.xlsx", h.exportInvoices("xlsx")},
		{"finance", "GET", "/admin/finance/statement", h.showStatement},
		{"finance", "POST", "/admin/finance/statement", h.submitStatement},
		{"finance", "POST", "/admin/finance/statement/confirm", h.confirmStatement},
		{"finance", "POST", "/admin/registrations/:reference/invoice", h.submitInvoice},
		{"finance", "GET", "/admin/invoices/:id", h.invoicePDF},
		{"finance", "POST", "/admin/invoices/:id/credit", h.submitCredit},
		{"viewer", "GET", "/admin/letters", h.showLetters},
		{"viewer", "GET", "/admin/certificates", h.showCertificates},
		{"admin", "POST", "/admin/certificates", h.issueCertificates},
		{"admin", "POST", "/admin/certificates/:serial/revoke", h.revokeCertificate},
		{"admin", "POST", "/admin/registrations/:reference/letter/issue", h.issueLetter},
		{"admin", "POST", "/admin/registrations/:reference/letter/refuse", h.refuseLetter},
		{"viewer", "GET", "/admin/export/registrations.csv", h.exportRegistrations("csv")},
		{"viewer", "GET", "/admin/export/registrations.xlsx", h.exportRegistrations("xlsx")},
		{"viewer", "GET", "/admin/reports", h.showReports},
		{"viewer", "GET", "/admin/reports/:file", h.sendReport},
		{"viewer", "GET", "/admin/participants", h.showParticipants},
		{"viewer", "GET", "/admin/participants.pdf", h.participants},
		{"viewer", "GET", "/admin/participants.xlsx", h.participantsXLSX},
		{"admin", "POST", "/admin/participants/publish", h.publishParticipants},
		{"viewer", "GET", "/admin/participants/:id/:file", h.publishedFile},
	}
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
	// a write too: a full or read-only disk answers reads, not changes
	if err := h.db.CheckWrite(c.Request.Context()); err != nil {
		c.String(http.StatusServiceUnavailable, "database cannot save: %v\n", err)
		return
	}
	c.String(http.StatusOK, "ok\n")
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
