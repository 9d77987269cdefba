package handlers

// The finance page: fees due, partly paid, overdue, paid, waived and
// refunded, by category, currency and method, from the tallies; the
// exports of payments and invoices.

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"

	"delegate/export"
	"delegate/i18n"
	"delegate/store"
)

// financeRow is one line of a finance table: a label and its counts and
// sums by currency.
type financeRow struct {
	Label  string
	Count  int
	Amount []string // the totals, one a currency
}

type financeView struct {
	F          store.Finance
	ByStatus   []financeRow
	ByCategory []financeRow // "category — status"
	Moved      []financeRow
	Due        string
}

func (h *Handler) showFinance(c *gin.Context) {
	l := h.localizer(c)
	f, err := h.db.FinanceNumbers(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	s := h.db.Settings()
	v := financeView{F: f, Due: l.Date(f.Due)}
	sum := func(label string, keep func(store.FeeCount) bool) financeRow {
		row := financeRow{Label: label}
		totals := map[string]int64{}
		for _, fc := range f.Fees {
			if keep(fc) {
				row.Count += fc.Count
				totals[fc.Currency] += fc.Amount
			}
		}
		row.Amount = moneyList(l, totals)
		return row
	}
	for _, st := range []string{store.PaymentUnpaid, store.PaymentPaid, store.PaymentWaived, store.PaymentRefunded} {
		label := l.T("payment." + st)
		if st == store.PaymentUnpaid && f.Overdue {
			label = l.T("finance.overdue")
		}
		v.ByStatus = append(v.ByStatus, sum(label, func(fc store.FeeCount) bool { return fc.Status == st }))
	}
	for _, cat := range s.Categories {
		for _, st := range []string{store.PaymentUnpaid, store.PaymentPaid, store.PaymentWaived, store.PaymentRefunded} {
			row := sum(cat.Name.In(l.Lang)+" — "+l.T("payment."+st), func(fc store.FeeCount) bool { return fc.Category == cat.Code && fc.Status == st })
			if row.Count > 0 {
				v.ByCategory = append(v.ByCategory, row)
			}
		}
	}
	for _, m := range f.Moved {
		v.Moved = append(v.Moved, financeRow{Label: l.T("payment."+m.Kind) + " · " + l.T("receipt.method."+m.Method),
			Amount: []string{l.Money(m.Amount, m.Currency)}})
	}
	h.render(c, http.StatusOK, "finance", l.T("finance.title"), v)
}

// moneyList writes totals by currency, in currency order.
func moneyList(l *i18n.Localizer, totals map[string]int64) []string {
	var codes []string
	for code := range totals {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	out := make([]string, 0, len(codes))
	for _, code := range codes {
		out = append(out, l.Money(totals[code], code))
	}
	return out
}

// exportPayments streams every payment as CSV or XLSX.
func (h *Handler) exportPayments(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		l := h.localizer(c)
		t := export.Table{Name: l.T("finance.payments"),
			Header: []string{l.T("finance.col.date"), l.T("field.reference"), l.T("admin.list.name"), l.T("finance.col.kind"),
				l.T("finance.col.method"), l.T("finance.col.amount"), l.T("admin.settings.currency"), l.T("finance.col.ref"), l.T("finance.col.note")},
			Stream: func(yield func([]string) error) error {
				return h.db.EachPayment(c.Request.Context(), func(p store.Payment, ref, name string) error {
					return yield([]string{p.CreatedAt.Format("2006-01-02 15:04"), ref, name, l.T("payment." + p.Kind),
						l.T("receipt.method." + p.Method), i18n.PlainAmount(p.Amount, p.Currency), p.Currency, p.ProviderRef, p.Flagged})
				})
			}}
		h.streamTable(c, "payments", format, t)
	}
}

// exportInvoices streams every invoice and credit note as CSV or XLSX.
func (h *Handler) exportInvoices(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		l := h.localizer(c)
		t := export.Table{Name: l.T("finance.invoices"),
			Header: []string{l.T("finance.col.series"), l.T("finance.col.number"), l.T("finance.col.date"), l.T("field.reference"),
				l.T("invoice.billed_to"), l.T("invoice.their_tax_id"), l.T("finance.col.amount"), l.T("admin.settings.currency"),
				l.T("finance.col.credits"), l.T("credit.reason")},
			Stream: func(yield func([]string) error) error {
				return h.db.EachInvoice(c.Request.Context(), func(inv store.Invoice, ref string) error {
					credits := ""
					if inv.Credits != 0 {
						credits = strconv.FormatInt(inv.Credits, 10)
					}
					if inv.DelegationID != 0 { // the fees of a delegation: its payment reference
						ref = store.DelegationReference(inv.DelegationID)
					}
					return yield([]string{l.T("finance.series." + inv.Series), strconv.FormatInt(inv.Number, 10),
						inv.IssuedAt.Format("2006-01-02"), ref, inv.Name, inv.TaxID, i18n.PlainAmount(inv.Amount, inv.Currency),
						inv.Currency, credits, inv.Reason})
				})
			}}
		h.streamTable(c, "invoices", format, t)
	}
}
