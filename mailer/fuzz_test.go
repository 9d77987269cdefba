package mailer_test

import (
	"strings"
	"testing"

	"delegate/mailer"
)

// FuzzSMTPURL reads whatever DELEGATE_SMTP_URL says: a sender, or an
// error that never shows the password.
func FuzzSMTPURL(f *testing.F) {
	f.Add("smtp://user:s3cret@mail.example.org:587", "ICLC 2015 <iclc@example.org>")
	f.Add("smtps://mail.example.org", "iclc@example.org")
	f.Add("smtp://host:1025?tls=none", "x")
	f.Add("http://[::1", "")
	f.Fuzz(func(t *testing.T, raw, from string) {
		_, err := mailer.NewSMTP(raw, from)
		if err != nil && strings.Contains(raw, ":s3cret@") && strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("the error shows the password: %v", err)
		}
	})
}
