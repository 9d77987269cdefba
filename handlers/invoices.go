package handlers

// Money documents other than the receipt (the pro-forma invoice a finance
// office raises a payment order from, invoices and credit notes) and the
// transfers finance records.

import (
	"bytes"
	"cmp"
	"context"
	"strconv"
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
	return bankFactsFor(l, s, r.Fee.Currency, s.PaymentReference(r))
}

// bankFactsFor are where to pay in currency, quoting reference.
func bankFactsFor(l *i18n.Localizer, s *store.Settings, currency, reference string) [][2]string {
	b, ok := s.Bank(currency)
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
	return append(facts, [2]string{l.T("invoice.payment_reference"), reference})
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
		{l.T("admin.field.country"), l.CountryName(r.Country)},
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

// submitTransfer records money received by bank transfer for the
// registration in the path; a bad value comes back at its field.
func (h *Handler) submitTransfer(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.db.FindRegistration(ctx, c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	l := h.localizer(c)
	t := store.Transfer{Currency: c.PostForm("currency"), Date: c.PostForm("date"), BankRef: c.PostForm("bank_ref")}
	amount, ok := i18n.ParseAmount(c.PostForm("amount"), cmp.Or(strings.ToUpper(strings.TrimSpace(t.Currency)), r.Fee.Currency))
	if !ok {
		h.afterForm(c, &store.ValidationError{Fields: map[string]store.Message{"amount": {Key: "error.amount"}}}, "", detailPath(r))
		return
	}
	t.Amount = amount
	_, got, err := h.db.RecordTransfer(ctx, caller(c), r.Reference, t)
	done := l.T("admin.transfer.paid")
	if got.Partial {
		done = l.T("admin.transfer.partial", l.Money(got.Amount, r.Fee.Currency), l.Money(got.Left, r.Fee.Currency))
	}
	h.afterForm(c, err, done, detailPath(r))
}

// detailPath is the organisers' page of r.
func detailPath(r store.Registration) string { return "/admin/registrations/" + r.Reference }

// submitInvoice issues an invoice of the registration's fee to the
// organisation the form names.
func (h *Handler) submitInvoice(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.db.FindRegistration(ctx, c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	inv, err := h.db.IssueInvoice(ctx, caller(c), r.Reference, store.Billing{Name: c.PostForm("billed_name"),
		Address: c.PostForm("billed_address"), TaxID: c.PostForm("tax_id")})
	h.afterForm(c, err, h.localizer(c).T("admin.invoice.issued", inv.Number), detailPath(r))
}

// submitCredit issues a credit note against the invoice in the path.
func (h *Handler) submitCredit(c *gin.Context) {
	ctx := c.Request.Context()
	inv, r, ok := h.invoiceInPath(c)
	if !ok {
		return
	}
	amount, ok := i18n.ParseAmount(c.PostForm("amount"), inv.Currency)
	if !ok {
		amount = -1
	}
	note, err := h.db.CreditInvoice(ctx, caller(c), inv.ID, amount, c.PostForm("reason"))
	back := detailPath(r)
	if inv.DelegationID != 0 {
		back = "/admin/delegations/" + strconv.FormatInt(inv.DelegationID, 10)
	}
	h.afterForm(c, err, h.localizer(c).T("admin.invoice.credited", note.Number), back)
}

// invoiceInPath is the invoice or credit note in the path and its
// registration, or a failure answered.
func (h *Handler) invoiceInPath(c *gin.Context) (store.Invoice, store.Registration, bool) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return store.Invoice{}, store.Registration{}, false
	}
	inv, err := h.db.FindInvoice(c.Request.Context(), id)
	var r store.Registration
	if err == nil {
		r, err = h.db.FindRegistrationByID(c.Request.Context(), inv.RegistrationID)
	}
	if err != nil {
		h.fail(c, err)
		return inv, r, false
	}
	return inv, r, true
}

// invoicePDF is an invoice or credit note, for finance.
func (h *Handler) invoicePDF(c *gin.Context) {
	if inv, r, ok := h.invoiceInPath(c); ok {
		h.sendInvoice(c, inv, r)
	}
}

// myInvoice is the delegate's latest invoice.
func (h *Handler) myInvoice(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	invs, err := h.db.Invoices(c.Request.Context(), r.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if inv, ok := latestInvoice(invs); ok {
		h.sendInvoice(c, inv, r)
		return
	}
	h.fail(c, store.ErrNotFound)
}

// latestInvoice is the last invoice (not credit note) of invs.
func latestInvoice(invs []store.Invoice) (store.Invoice, bool) {
	for i := len(invs) - 1; i >= 0; i-- {
		if invs[i].Series == store.SeriesInvoice {
			return invs[i], true
		}
	}
	return store.Invoice{}, false
}

func (h *Handler) sendInvoice(c *gin.Context, inv store.Invoice, r store.Registration) {
	name := strings.ReplaceAll(inv.Series, "_", "-") + "-" + strconv.FormatInt(inv.Number, 10) + ".pdf"
	h.sendPDF(c, name, func(b *bytes.Buffer) error { return h.writeInvoice(c.Request.Context(), b, inv, r) })
}

// writeInvoice writes an invoice or a credit note in the language it was
// issued in: whom it is billed to, what for, the total, and what was paid
// or is still due.
func (h *Handler) writeInvoice(ctx context.Context, b *bytes.Buffer, inv store.Invoice, r store.Registration) error {
	s := h.db.Settings()
	l := i18n.For(inv.Language)
	doc := moneyDocument(l, &s)
	doc.Date = l.T("receipt.date", l.Date(inv.IssuedAt.In(s.Location())))
	doc.Payer = [][2]string{{l.T("invoice.billed_to"), inv.Name}}
	if inv.Address != "" {
		doc.Payer = append(doc.Payer, [2]string{l.T("invoice.address"), inv.Address})
	}
	if inv.TaxID != "" {
		doc.Payer = append(doc.Payer, [2]string{l.T("invoice.their_tax_id"), inv.TaxID})
	}
	// an invoice of a delegation's fees, or a credit note of one, names
	// the delegation and lists its members' fees
	lines, err := h.db.InvoiceLines(ctx, cmp.Or(inv.Credits, inv.ID))
	if err != nil {
		return err
	}
	what := l.T("receipt.fee", labelsOf(&r, &s, l).Category)
	if len(lines) > 0 {
		what = l.T("invoice.fees", len(lines))
		if d, err := h.db.FindDelegation(ctx, inv.DelegationID); err == nil {
			doc.Payer = append(doc.Payer, [2]string{l.T("invoice.delegation"), d.Name})
		}
	} else {
		doc.Payer = append(doc.Payer, [2]string{l.T("invoice.delegate"), printedName(r) + " · " + r.Reference})
	}
	amount := l.Money(inv.Amount, inv.Currency)
	if inv.Series == store.SeriesCreditNote {
		doc.Title = l.T("credit.title")
		doc.Serial = l.T("credit.number", inv.Number)
		of, err := h.db.FindInvoice(ctx, inv.Credits)
		if err != nil {
			return err
		}
		doc.Paid = l.T("credit.credits", of.Number, l.Date(of.IssuedAt.In(s.Location())))
		doc.Lines = [][2]string{{l.T("receipt.for"), what}, {l.T("credit.reason"), inv.Reason}}
		doc.Amount = l.T("credit.total", amount)
		doc.Note = l.T("credit.note")
		return pdf.WriteReceipt(b, doc)
	}
	doc.Title = l.T("invoice.title")
	doc.Serial = l.T("invoice.number", inv.Number)
	reference := s.PaymentReference(&r)
	if inv.DelegationID != 0 {
		reference = store.DelegationReference(inv.DelegationID)
	}
	doc.Lines = [][2]string{{l.T("receipt.for"), what}}
	for _, line := range lines {
		doc.Lines = append(doc.Lines, [2]string{line.Name, line.Reference + " · " + categoryName(&s, line.Category, l.Lang) + " · " +
			l.Money(line.Amount, inv.Currency)})
	}
	doc.Lines = append(doc.Lines, [2]string{l.T("invoice.payment_reference"), reference})
	doc.Amount = l.T("invoice.total", amount)
	due := []string{r.Reference} // the fees whose payment says whether it is paid
	if len(lines) > 0 {
		due = due[:0]
		for _, line := range lines {
			due = append(due, line.Reference)
		}
	}
	left, err := h.db.StillDue(ctx, due...)
	if err != nil {
		return err
	}
	switch {
	case left == 0:
		doc.Paid = l.T("invoice.paid")
	default:
		doc.Due = true
		doc.Paid = l.T("proforma.due", l.Money(left, inv.Currency), l.Date(s.PaymentDue()))
		if doc.Bank = bankFactsFor(l, &s, inv.Currency, reference); doc.Bank != nil {
			doc.BankTitle = l.T("proforma.bank")
		}
	}
	doc.Note = l.T("invoice.note")
	return pdf.WriteReceipt(b, doc)
}
