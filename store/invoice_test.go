package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"testing"

	"delegate/store"
)

// 200 invoices issued from 16 goroutines at once are numbered 1…200,
// each exactly once; credit notes have their own series; an invoice is
// never changed or deleted (15.3).
func TestInvoiceNumbersHaveNoGaps(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	refs := make([]string, 200)
	for i := range refs {
		d := details(fmt.Sprintf("official%d@example.co", i))
		d.Category = "city_official"
		r, err := db.CreateRegistration(ctx, store.System, d)
		if err != nil {
			t.Fatal(err)
		}
		refs[i] = r.Reference
	}
	finance := store.Actor{Kind: "user", Name: "finance@example.org"}
	numbers := make(chan int64, len(refs))
	work := make(chan string)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ref := range work {
				inv, err := db.IssueInvoice(ctx, finance, ref, store.Billing{Name: "Alcaldía de Medellín", Address: "Calle 44 # 52-165", TaxID: "890905211"})
				if err != nil {
					t.Errorf("invoice %s: %v", ref, err)
					continue
				}
				numbers <- inv.Number
			}
		}()
	}
	for _, ref := range refs {
		work <- ref
	}
	close(work)
	wg.Wait()
	close(numbers)
	var got []int64
	for n := range numbers {
		got = append(got, n)
	}
	slices.Sort(got)
	for i, n := range got {
		if n != int64(i+1) {
			t.Fatalf("numbers %v…: %d at place %d", got[:min(len(got), 10)], n, i+1)
		}
	}
	if len(got) != 200 {
		t.Fatalf("%d invoices, want 200", len(got))
	}

	// one invoice at a time; a credit note in its own series, at most what is left
	r, _ := db.FindRegistration(ctx, refs[0])
	if _, err := db.IssueInvoice(ctx, finance, refs[0], store.Billing{Name: "Again"}); !isConflict(err, "invoice_issued") {
		t.Errorf("a second invoice: %v", err)
	}
	invs, _ := db.Invoices(ctx, r.ID)
	if _, err := db.CreditInvoice(ctx, finance, invs[0].ID, invs[0].Amount+1, "Too much"); err == nil {
		t.Error("credited more than the invoice")
	}
	note, err := db.CreditInvoice(ctx, finance, invs[0].ID, 4000, "Part of the fee back")
	if err != nil || note.Number != 1 || note.Series != store.SeriesCreditNote {
		t.Fatalf("credit note: %+v %v", note, err)
	}
	if _, err := db.CreditInvoice(ctx, finance, invs[0].ID, invs[0].Amount-4000, "The rest"); err != nil {
		t.Fatal(err)
	}
	again, err := db.IssueInvoice(ctx, finance, refs[0], store.Billing{Name: "Alcaldía de Medellín"})
	if err != nil || again.Number != 201 {
		t.Errorf("an invoice after the last was credited in full: %+v %v", again, err)
	}
	raw, err := sql.Open("sqlite3", store.DSN(db.Path()))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, "UPDATE invoices SET amount = 1 WHERE id = ?", invs[0].ID); err == nil {
		t.Error("an invoice was changed")
	}
	if _, err := raw.ExecContext(ctx, "DELETE FROM invoices WHERE id = ?", invs[0].ID); err == nil {
		t.Error("an invoice was deleted")
	}
}
