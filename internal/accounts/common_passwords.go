package accounts

// commonPasswords are widely breached passwords of twelve characters or more (shorter ones
// fail the length rule anyway), compared in lower case.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range []string{
		"123456789012", "1234567890123", "12345678901234", "123456789123", "password1234",
		"password12345", "password123456", "passwordpassword", "qwertyuiop123", "qwertyuiopasdf",
		"1q2w3e4r5t6y", "1qaz2wsx3edc", "qwerty123456", "iloveyou1234", "abc123456789",
		"111111111111", "000000000000", "aaaaaaaaaaaa", "letmein12345", "welcome12345",
		"welcome123456", "administrator", "changeme1234", "football1234", "monkey123456",
		"sunshine1234", "princess1234", "trustno11234", "superman1234", "baseball1234",
		"starwars1234", "whatever1234", "p@ssw0rd1234", "passw0rd1234", "correcthorsebatterystaple",
		"correct horse battery staple", "mypassword123", "qwertyqwerty", "asdfghjkl123",
		"zaq12wsxcde3", "1234qwerasdf", "987654321098", "homelesshousing", "northlanarkshire",
	} {
		m[p] = true
	}
	return m
}()
