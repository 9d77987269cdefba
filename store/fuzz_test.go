package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"delegate/store"
)

// FuzzValidateDetails: whatever a form or the API carries, validation
// answers (a list of fields, or nothing) and never panics.
func FuzzValidateDetails(f *testing.F) {
	s := store.Settings{}
	f.Add("José", "Núñez", "jose@example.org", "CO", "member_state", "es", "2015-09-27", "A0123", "ab\u202ecd")
	f.Add("", "", "x", "", "", "", "31/02/2015", "", "\x00")
	f.Fuzz(func(t *testing.T, given, family, email, country, category, lang, date, passport, notes string) {
		d := store.Details{GivenNames: given, FamilyName: family, Email: email, Country: country, Category: category,
			Language: lang, ArrivalDate: date, DepartureDate: date, PassportNumber: passport, PassportExpiry: date,
			DateOfBirth: date, InvitationLetter: passport != "", DietaryNotes: notes, Accessibility: notes, Phone: notes,
			Dietary: strings.Split(notes, ","), ConsentPrivacy: len(given)%2 == 0}
		d.Validate(&s, time.Date(2015, 6, 15, 12, 0, 0, 0, time.UTC))
	})
}

// FuzzCodes: a badge's check-in code and a letter's verification code
// come from a camera or a keyboard; parsing them never panics and never
// takes a code the server did not sign.
func FuzzCodes(f *testing.F) {
	db := mustOpen(f)
	r, err := db.CreateRegistration(context.Background(), store.System, details("fuzz@example.org"))
	if err != nil {
		f.Fatal(err)
	}
	r, _ = db.FindRegistration(context.Background(), r.Reference) // as stored, badge version and all
	good := db.CheckinCode(r)
	f.Add(good)
	f.Add("ICLC-ABC-1-AAAAAAAAAAAA")
	f.Add("L2015-0001-ABCD-EFGH")
	f.Add("---")
	f.Fuzz(func(t *testing.T, code string) {
		ref, version, ok := db.ParseCheckinCode(code)
		// a code taken is the very code the server signs for what it names
		if ok && db.CheckinCode(store.Registration{Reference: ref, BadgeVersion: version}) != strings.ToUpper(strings.TrimSpace(code)) {
			t.Fatalf("%q parsed as %s v%d: a code the server did not sign", code, ref, version)
		}
		db.VerifyLetterCode(context.Background(), code)
		if i := strings.IndexByte(code, ' '); i > 0 {
			db.VerifyLetter(context.Background(), code[:i], code[i+1:], code)
		}
	})
}

// FuzzReadStatement: a bank's CSV, however malformed, is read or refused
// in words; never a panic.
func FuzzReadStatement(f *testing.F) {
	cols := store.StatementColumns{Date: "Date", Amount: "Amount", Text: "Text", Currency: "Currency", BankRef: "Ref"}
	f.Add([]byte("Date;Amount;Text;Currency;Ref\n03.09.2015;1.234,56;ICLC-7K3M9P fee;USD;B1\n"))
	f.Add([]byte("Date,Amount,Text\n2015-09-03,\"12,5\",x\n\"unterminated"))
	f.Add([]byte("\ufeff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		store.ReadStatement(data, cols, "USD")
	})
}
