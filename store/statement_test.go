package store_test

import (
	"testing"

	"delegate/store"
)

// Statements as banks write them: commas or semicolons, amounts with a
// decimal comma or point and thousands separators, days first; debits
// are passed over; a line without a bank reference is known again by its
// day, amount and text.
func TestReadStatement(t *testing.T) {
	t.Parallel()
	csv := "\ufeffDate,Amount,Details\n2015-09-03,\"1,234.56\",ICLC-ABC234\n03/09/2015,150,ICLC-ABC235\n04.09.2015,-20.00,charges\n"
	lines, err := store.ReadStatement([]byte(csv), store.StatementColumns{Date: "date", Amount: "AMOUNT", Text: "Details"}, "USD")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Amount != 123456 || lines[1].Amount != 15000 || lines[1].Date != "2015-09-03" ||
		lines[0].Currency != "USD" || lines[0].BankRef == "" || lines[0].BankRef == lines[1].BankRef {
		t.Fatalf("lines: %+v", lines)
	}
	again, _ := store.ReadStatement([]byte(csv), store.StatementColumns{Date: "date", Amount: "AMOUNT", Text: "Details"}, "USD")
	if again[0].BankRef != lines[0].BankRef {
		t.Error("the same line read twice is not known again")
	}
	semi := "Tag;Betrag;Text\n03.09.2015;1.234,56;x\n"
	if l, err := store.ReadStatement([]byte(semi), store.StatementColumns{Date: "Tag", Amount: "Betrag", Text: "Text"}, "EUR"); err != nil || l[0].Amount != 123456 {
		t.Errorf("a German statement: %+v %v", l, err)
	}
	if _, err := store.ReadStatement([]byte("Tag;Betrag;Text\nyesterday;5;x\n"), store.StatementColumns{Date: "Tag", Amount: "Betrag", Text: "Text"}, "EUR"); err == nil {
		t.Error("a line without a date was read")
	}
}
