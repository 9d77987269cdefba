package handlers

// Money documents other than the receipt: the pro-forma invoice a finance
// office raises a payment order from.

import (
	"bytes"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/pdf"
	"delegate/store"
)

// owes reports whether r has a fee to pay: live, unpaid, not nothing.
func owes(r *store.Registration) bool {
	return r.Live() && r.PaymentStatus == store.PaymentUnpaid && r.Fee.Amount > 0
}

// bankFacts are where to pay r's fee by transfer, in l's language, or
// nothing when no account takes the fee's currency.
func bankFacts(l *i18n.Localizer, s *store.Settings, r *store.Registration) [][2]string {
	b, ok := s.Bank(r.Fee.Currency)
	if !ok {
		return nil
	}
	facts := [][2]string{{l.T("bank.holder"), b.Holder}, {l.T("bank.account"), b.Account}}
	if b.BIC != "" {
		facts = append(facts, [2]string{l.T("bank.bic"), b.BIC})
	}
	if b.Bank != "" {
		facts = append(facts, [2]string{l.T("bank.bank"), b.Bank})
	}
	return append(facts, [2]string{l.T("invoice.payment_reference"), s.PaymentReference(r)})
}

// moneyDocument is what every money document of r has, in l's language:
// the conference, the issuer, the footer.
func moneyDocument(l *i18n.Localizer, s *store.Settings) pdf.Receipt {
	sec := s.Secretariat
	issuer := append([]string{sec.Name.In(l.Lang)}, strings.Split(sec.Address.In(l.Lang), ", ")...)
	if s.IssuerTaxID != "" {
		issuer = append(issuer, l.T("invoice.tax_id", s.IssuerTaxID))
	}
	return pdf.Receipt{Event: s.Name.In(l.Lang), Issuer: issuer,
		Footer: []string{sec.Line(l.Lang), sec.Email + " · " + sec.Phone + " · " + sec.Website}}
}

// writeProforma writes r's pro-forma invoice in the delegate's language.
func (h *Handler) writeProforma(b *bytes.Buffer, r store.Registration) error {
	s := h.db.Settings()
	l := i18n.For(r.Language)
	due := l.Money(r.Fee.Amount, r.Fee.Currency)
	doc := moneyDocument(l, &s)
	doc.Title = l.T("proforma.title")
	doc.Serial = l.T("proforma.serial", r.Reference)
	doc.Date = l.T("receipt.date", l.Date(h.db.Now().In(s.Location())))
	doc.Due = true
	doc.Paid = l.T("proforma.due", due, l.Date(s.PaymentDue()))
	doc.Payer = [][2]string{
		{l.T("invoice.billed_to"), printedName(r)},
		{l.T("field.organisation"), r.Organisation},
		{l.T("field.country"), l.CountryName(r.Country)},
		{l.T("field.reference"), r.Reference},
	}
	doc.Lines = [][2]string{
		{l.T("receipt.for"), l.T("receipt.fee", labelsOf(&r, &s, l).Category)},
		{l.T("invoice.payment_reference"), s.PaymentReference(&r)},
	}
	doc.Amount = l.T("proforma.total", due)
	doc.Note = l.T("proforma.note")
	if doc.Bank = bankFacts(l, &s, &r); doc.Bank != nil {
		doc.BankTitle = l.T("proforma.bank")
	} else {
		doc.Note += " " + l.T("proforma.no_bank", s.Secretariat.Email)
	}
	return pdf.WriteReceipt(b, doc)
}

// myProforma is the delegate's pro-forma invoice, while a fee is owed.
func (h *Handler) myProforma(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	h.sendProforma(c, r)
}

// focalProforma is a member's pro-forma invoice, for their focal point.
func (h *Handler) focalProforma(c *gin.Context) {
	if r, ok := h.focalMember(c); ok {
		h.sendProforma(c, r)
	}
}

func (h *Handler) sendProforma(c *gin.Context, r store.Registration) {
	if !owes(&r) {
		h.fail(c, store.ErrNotFound)
		return
	}
	h.sendPDF(c, "proforma-"+r.Reference+".pdf", func(b *bytes.Buffer) error { return h.writeProforma(b, r) })
}
