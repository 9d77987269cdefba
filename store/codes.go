package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// codeSigLen is how many base32 characters of HMAC a code carries: 60
// bits, out of reach of guessing at a desk or a web form.
const codeSigLen = 12

func (db *DB) sign(purpose, text string) string {
	m := hmac.New(sha256.New, db.codeKey)
	m.Write([]byte(purpose + ":" + text))
	return base32.StdEncoding.EncodeToString(m.Sum(nil))[:codeSigLen]
}

// CheckinCode is the text of a badge's QR code: the reference, the badge
// version and a signature, in QR alphanumeric characters only, so the code
// stays small.
func (db *DB) CheckinCode(r Registration) string {
	body := r.Reference + "-" + strconv.Itoa(r.BadgeVersion)
	return body + "-" + db.sign("checkin", body)
}

// ParseCheckinCode checks a badge code's signature and returns its
// reference and badge version.
func (db *DB) ParseCheckinCode(code string) (reference string, version int, ok bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	i := strings.LastIndexByte(code, '-')
	if i < 0 {
		return "", 0, false
	}
	body, sig := code[:i], code[i+1:]
	if !hmac.Equal([]byte(sig), []byte(db.sign("checkin", body))) {
		return "", 0, false
	}
	j := strings.LastIndexByte(body, '-')
	if j < 0 {
		return "", 0, false
	}
	v, err := strconv.Atoi(body[j+1:])
	if err != nil {
		return "", 0, false
	}
	return body[:j], v, true
}

// LetterCode is the code of a letter's QR, which opens /verify/{code}:
// the serial and the whole signature.
func (db *DB) LetterCode(serial string) string { return serial + "-" + db.sign("letter", serial) }

// LetterShortCode is the code printed beside a letter's serial for an
// officer to type into /verify: the signature's first eight characters
// (40 bits; the form is rate-limited), as two groups of four.
func (db *DB) LetterShortCode(serial string) string {
	sig := db.sign("letter", serial)
	return sig[:4] + "-" + sig[4:8]
}

// letterCodeOK checks code for serial: the QR's whole signature, or the
// short code as typed (any case, with or without the dash and spaces).
func (db *DB) letterCodeOK(serial, code string) bool {
	code = strings.NewReplacer("-", "", " ", "").Replace(strings.ToUpper(strings.TrimSpace(code)))
	sig := db.sign("letter", serial)
	switch len(code) {
	case codeSigLen:
		return hmac.Equal([]byte(code), []byte(sig))
	case 8:
		return hmac.Equal([]byte(code), []byte(sig[:8]))
	}
	return false
}
