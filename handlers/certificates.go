package handlers

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/pdf"
	"delegate/store"
)

// certificatePage writes c, the certificate of r, in lang.
func (h *Handler) certificatePage(r store.Registration, c store.Certificate, s *store.Settings, lang string, signature []byte) pdf.CertificatePage {
	l := i18n.For(lang)
	name := s.Name.In(lang)
	latin, native, _ := strings.Cut(c.Name, " · ")
	days := make([]string, len(c.Days))
	for i, d := range c.Days {
		days[i] = l.DateString(d)
	}
	return pdf.CertificatePage{
		Lang:       lang,
		EventShort: s.ShortName,
		EventName:  name,
		Organiser:  s.Organiser.In(lang),
		Title:      l.T("certificate.title"),
		Certify:    l.T("certificate.certify"),
		Name:       latin,
		Native:     native,
		Attended:   l.T("certificate.attended", name, s.City.In(lang), l.DateRange(s.Start(), s.End())),
		Days:       l.T("certificate.days", strings.Join(days, " · ")),
		Place:      l.T("certificate.place", s.City.In(lang), l.Date(c.IssuedAt.In(s.Location()))),
		Signatory:  s.Signatory.Name,
		SignTitle:  s.Signatory.Title.In(lang),
		Signature:  signature,
		VerifyURL:  h.baseURL + "/verify/" + h.db.LetterCode(c.Serial),
		VerifyNote: l.T("certificate.verify", h.baseURL+"/verify"),
		VerifyCode: l.T("certificate.serial", c.Serial) + " · " + l.T("letter.code", h.db.LetterShortCode(c.Serial)),
	}
}

// myCertificate is the delegate's certificate of participation, in their
// language, from the first conference day once they checked in.
func (h *Handler) myCertificate(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	cert, err := h.db.Certificate(ctx, r)
	var ce *store.ConflictError
	if asError(err, &ce) {
		h.fail(c, store.ErrNotFound)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	sig, err := h.db.Signature(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	s := h.db.Settings()
	page := h.certificatePage(r, cert, &s, r.Language, sig)
	h.sendPDF(c, "certificate-"+cert.Serial+".pdf", func(b *bytes.Buffer) error { return pdf.WriteCertificate(b, page) })
}

// certificatesView is the organisers' page of certificates.
type certificatesView struct {
	Open         bool // the conference has begun
	Certificates []store.Certificate
	CanDecide    bool
}

func (h *Handler) showCertificates(c *gin.Context) {
	list, err := h.db.FindCertificates(c.Request.Context(), 500)
	if err != nil {
		h.fail(c, err)
		return
	}
	s := h.db.Settings()
	v := certificatesView{Open: s.CertificatesOpen(h.db.Now()), Certificates: list,
		CanDecide: store.RoleAtLeast(c.GetString("role"), "admin")}
	h.render(c, http.StatusOK, "certificates", h.localizer(c).T("admin.certificates.title"), v)
}

// issueCertificates issues one to every delegate who checked in.
func (h *Handler) issueCertificates(c *gin.Context) {
	n, err := h.db.IssueCertificates(c.Request.Context(), caller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.certificates.issued", n))
	c.Redirect(http.StatusSeeOther, "/admin/certificates")
}

func (h *Handler) revokeCertificate(c *gin.Context) {
	if err := h.db.RevokeCertificate(c.Request.Context(), caller(c), c.Param("serial")); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.certificates.revoked"))
	c.Redirect(http.StatusSeeOther, "/admin/certificates")
}
