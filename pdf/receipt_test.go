package pdf_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"delegate/pdf"
	"delegate/pdf/pdftest"
)

// A money document longer than a page (a delegation's pro-forma with
// thirty members) goes on to the next page with each row whole: its
// label and its value on the same page and line, and none of it under
// the footer.
func TestReceiptRowsBreakWhole(t *testing.T) {
	t.Parallel()
	doc := pdf.Receipt{Title: "Pro-forma invoice", Event: "Second International Conference on Learning Cities",
		Issuer: []string{"UNESCO Institute for Lifelong Learning"}, Serial: "For delegation ICLC-DEL-1", Date: "Issued on 1 June 2015",
		Paid: "AMOUNT DUE · USD 3,000.00", Due: true, Amount: "Total due: USD 3,000.00", Note: "Quote the payment reference.",
		BankTitle: "Pay by bank transfer to", Bank: [][2]string{{"Account holder", "UNESCO"}, {"IBAN", "DE89 3704 0044 0532 0130 00"}},
		Footer: []string{"Secretariat, Feldbrunnenstr. 58, 20148 Hamburg"}}
	for i := range 30 {
		doc.Lines = append(doc.Lines, [2]string{fmt.Sprintf("Member%02d", i), fmt.Sprintf("Fee%02d · Registration fee, city official · USD 100.00", i)})
	}
	var b bytes.Buffer
	if err := pdf.WriteReceipt(&b, doc); err != nil {
		t.Fatal(err)
	}
	words := pdftest.Words(t, b.Bytes())
	at := map[string]pdftest.Word{}
	pages := 0
	for _, w := range words {
		at[w.Text] = w
		pages = max(pages, w.Page)
	}
	if pages < 2 {
		t.Fatalf("thirty rows on %d page", pages)
	}
	for i := range 30 {
		label, value := at[fmt.Sprintf("Member%02d", i)], at[fmt.Sprintf("Fee%02d", i)]
		if label.Page != value.Page || label.YMin-value.YMin > 1.5 || value.YMin-label.YMin > 1.5 {
			t.Errorf("row %d: the label on page %d at %.0f, the value on page %d at %.0f", i, label.Page, label.YMin, value.Page, value.YMin)
		}
		if footerTop := value.PageH - 20/25.4*72; value.YMax > footerTop {
			t.Errorf("row %d is under the footer (%.0f > %.0f)", i, value.YMax, footerTop)
		}
	}
	if title := at["transfer"]; title.Page != at["DE89"].Page {
		t.Errorf("where to pay is split: its title on page %d, the account on page %d", title.Page, at["DE89"].Page)
	}
	if iban := at["DE89"]; iban.Page != pages || !strings.Contains(pdftest.OneLine(t, b.Bytes()), "IBAN DE89 3704") {
		t.Errorf("the bank account is not with its label at the end (page %d of %d)", iban.Page, pages)
	}
}
