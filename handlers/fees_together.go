package handlers

// One pro-forma invoice for a delegation: the fees its members still
// owe, with the delegation's payment reference, so that a ministry or a
// city hall raises one payment order and makes one transfer, which the
// bank statement then splits among the members' fees.

import (
	"bytes"
	"cmp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/pdf"
	"delegate/store"
)

// owedTotal is what a delegation's members owe in one currency.
type owedTotal struct {
	Currency string
	Amount   int64
	Members  int
}

// owedTotals adds up owed by currency, in the order currencies come.
func owedTotals(owed []store.Owed) []owedTotal {
	var out []owedTotal
	for _, o := range owed {
		i := len(out)
		for j := range out {
			if out[j].Currency == o.Currency {
				i = j
			}
		}
		if i == len(out) {
			out = append(out, owedTotal{Currency: o.Currency})
		}
		out[i].Amount += o.Left
		out[i].Members++
	}
	return out
}

// delegationProforma is one pro-forma invoice for the fees the
// delegation's members still owe in a currency (?currency=, the first
// they owe in by default), in the page's language: for its focal point,
// and for finance.
func (h *Handler) delegationProforma(c *gin.Context) {
	d, ok := h.apiDelegation(c)
	if !ok {
		return
	}
	owed, err := h.db.DelegationOwed(c.Request.Context(), d.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	currency := strings.ToUpper(c.Query("currency"))
	var in []store.Owed
	for _, o := range owed {
		if currency == "" {
			currency = o.Currency
		}
		if o.Currency == currency {
			in = append(in, o)
		}
	}
	if len(in) == 0 {
		h.fail(c, store.ErrNotFound)
		return
	}
	name := "proforma-" + strings.ToLower(store.DelegationReference(d.ID)) + "-" + strings.ToLower(currency) + ".pdf"
	h.sendPDF(c, name, func(b *bytes.Buffer) error { return h.writeDelegationProforma(b, h.localizer(c), d, in) })
}

// writeDelegationProforma writes the pro-forma invoice of the fees owed,
// all in one currency, in l's language.
func (h *Handler) writeDelegationProforma(b *bytes.Buffer, l *i18n.Localizer, d store.Delegation, owed []store.Owed) error {
	s := h.db.Settings()
	ref, currency := store.DelegationReference(d.ID), owed[0].Currency
	total := owedTotals(owed)[0]
	due := l.Money(total.Amount, currency)
	doc := moneyDocument(l, &s)
	doc.Title = l.T("proforma.title")
	doc.Serial = l.T("proforma.delegation_serial", ref)
	doc.Date = l.T("receipt.date", l.Date(h.db.Now().In(s.Location())))
	doc.Due = true
	doc.Paid = l.T("proforma.due", due, l.Date(s.PaymentDue()))
	doc.Payer = [][2]string{{l.T("invoice.billed_to"), d.Name}}
	if d.Country != "" {
		doc.Payer = append(doc.Payer, [2]string{l.T("admin.field.country"), l.CountryName(d.Country)})
	}
	for _, o := range owed {
		doc.Lines = append(doc.Lines, [2]string{o.Name, o.Reference + " · " + l.T("receipt.fee", categoryName(&s, o.Category, l.Lang)) +
			" · " + l.Money(o.Left, currency)})
	}
	doc.Amount = l.T("proforma.total", due)
	doc.Note = l.T("proforma.note") + " " + l.T("proforma.together_note", total.Members)
	if doc.Bank = bankFactsFor(l, &s, currency, ref); doc.Bank != nil { // the payment reference among them
		doc.BankTitle = l.T("proforma.bank")
	} else {
		doc.Lines = append(doc.Lines, [2]string{l.T("invoice.payment_reference"), ref})
		doc.Note += " " + l.T("proforma.no_bank", s.Secretariat.Email)
	}
	return pdf.WriteReceipt(b, doc)
}

// delegationFees is the delegation page's fees: who owes, the totals a
// pro-forma invoice for the delegation is had for, and the invoices
// issued to it.
type delegationFees struct {
	Reference string
	Owes      map[string]bool // by registration reference
	Totals    []owedTotal
	Invoices  []store.Invoice
}

// delegationFees are the fees of d, whose members the page has read.
func (h *Handler) delegationFees(c *gin.Context, d store.Delegation, members []store.Registration) (delegationFees, bool) {
	owed, err := h.db.OwedBy(c.Request.Context(), members)
	if err != nil {
		h.fail(c, err)
		return delegationFees{}, false
	}
	invoices, err := h.db.DelegationInvoices(c.Request.Context(), d.ID)
	if err != nil {
		h.fail(c, err)
		return delegationFees{}, false
	}
	f := delegationFees{Reference: store.DelegationReference(d.ID), Owes: map[string]bool{}, Totals: owedTotals(owed), Invoices: invoices}
	for _, o := range owed {
		f.Owes[o.Reference] = true
	}
	return f, true
}

// submitDelegationInvoice issues one invoice of the delegation's fees in
// a currency to the body the form names, in the language it asks.
func (h *Handler) submitDelegationInvoice(c *gin.Context) {
	d, ok := h.apiDelegation(c)
	if !ok {
		return
	}
	inv, err := h.db.IssueDelegationInvoice(c.Request.Context(), caller(c), d.ID, cmp.Or(c.PostForm("currency"), h.db.Settings().Currency),
		c.PostForm("language"), store.Billing{Name: c.PostForm("billed_name"), Address: c.PostForm("billed_address"), TaxID: c.PostForm("tax_id")})
	h.afterForm(c, err, h.localizer(c).T("admin.invoice.issued", inv.Number), "/admin/delegations/"+strconv.FormatInt(d.ID, 10))
}

// focalInvoice is the delegation's latest invoice, for its focal point.
func (h *Handler) focalInvoice(c *gin.Context) {
	d, ok := h.apiDelegation(c)
	if !ok {
		return
	}
	invs, err := h.db.DelegationInvoices(c.Request.Context(), d.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	inv, ok := latestInvoice(invs)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	r, err := h.db.FindRegistrationByID(c.Request.Context(), inv.RegistrationID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sendInvoice(c, inv, r)
}
