import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizePhone, parseCard, splitName } from './card-parser.js';

const card = (text: string) => parseCard(text.trim().split('\n'));

describe('business card parser', () => {
  it('should read a German managing director’s card with Tel, Mobil and Fax', () => {
    const { contact, confidence } = card(`
Nordlicht Software GmbH
Dr. Jana Schmidt
Geschäftsführerin
Hauptstraße 12
10115 Berlin
Tel. +49 (0)30 1234567
Mobil 0171 2345678
Fax +49 30 1234568
jana.schmidt@nordlicht.de
www.nordlicht.de`);
    assert.equal(contact.firstName, 'Jana');
    assert.equal(contact.lastName, 'Schmidt');
    assert.equal(contact.jobTitle, 'Geschäftsführerin');
    assert.deepEqual(contact.company, { name: 'Nordlicht Software GmbH', website: 'https://www.nordlicht.de' });
    assert.deepEqual(contact.emails, [{ label: 'work', value: 'jana.schmidt@nordlicht.de', primary: true }]);
    assert.deepEqual(contact.phones, [
      { label: 'work', value: '+49 30 1234567', primary: true },
      { label: 'mobile', value: '0171 2345678', primary: false },
      { label: 'fax', value: '+49 30 1234568', primary: false },
    ]);
    assert.deepEqual(contact.addresses, [{ label: 'work', line1: 'Hauptstraße 12', postalCode: '10115', city: 'Berlin', primary: true }]);
    assert.equal(confidence.emails, 1);
    assert.ok(confidence.name! > 0.8, 'the email spells the name');
  });

  it('should read an English card with a UK address and the title on the name line', () => {
    const { contact } = card(`
Oliver Bennett, Head of Sales
Brightwave Media Ltd
221B Baker Street
London NW1 6XE
United Kingdom
T +44 20 7946 0958
M +44 7700 900123
oliver@brightwave.co.uk
brightwave.co.uk`);
    assert.equal(contact.firstName, 'Oliver');
    assert.equal(contact.lastName, 'Bennett');
    assert.equal(contact.jobTitle, 'Head of Sales');
    assert.equal(contact.company?.name, 'Brightwave Media Ltd');
    assert.equal(contact.company?.website, 'https://brightwave.co.uk');
    assert.deepEqual(contact.phones.map((p) => [p.label, p.value, p.primary]), [['work', '+44 20 7946 0958', true], ['mobile', '+44 7700 900123', false]]);
    assert.deepEqual(contact.addresses[0], { label: 'work', line1: '221B Baker Street', postalCode: 'NW1 6XE', city: 'London', country: 'United Kingdom', primary: true });
  });

  it('should read a US card with an Inc. and a City, ST zip line', () => {
    const { contact } = card(`
ACME ROCKETS INC.
Maria Garcia
Vice President, Engineering
1200 Congress Avenue
Austin, TX 78701
Phone: (512) 555-0142
Fax: (512) 555-0143
maria.garcia@acmerockets.com
https://acmerockets.com/team`);
    assert.equal(contact.firstName, 'Maria');
    assert.equal(contact.lastName, 'Garcia');
    assert.equal(contact.jobTitle, 'Vice President, Engineering');
    assert.equal(contact.company?.name, 'ACME ROCKETS INC.');
    assert.equal(contact.company?.website, 'https://acmerockets.com/team');
    assert.deepEqual(contact.phones, [
      { label: 'work', value: '(512) 555-0142', primary: true },
      { label: 'fax', value: '(512) 555-0143', primary: false },
    ]);
    assert.deepEqual(contact.addresses[0], { label: 'work', line1: '1200 Congress Avenue', postalCode: '78701', city: 'Austin, TX', country: 'United States', primary: true });
  });

  it('should keep a particle with the last name and drop academic titles and suffixes', () => {
    assert.deepEqual(splitName('Prof. Dr. Anna-Lena von Berg'), { firstName: 'Anna-Lena', lastName: 'von Berg' });
    assert.deepEqual(splitName('Dipl.-Ing. Klaus Peter Müller, MBA'), { firstName: 'Klaus Peter', lastName: 'Müller' });
    assert.deepEqual(splitName('Jan van der Meer'), { firstName: 'Jan', lastName: 'van der Meer' });
    assert.equal(splitName('Nordlicht'), null);
    assert.equal(splitName('Tel 030 123'), null);
  });

  it('should read an address on one line, a 0049 number and a GmbH & Co. KG', () => {
    const { contact } = card(`
Müller Bau GmbH & Co. KG
Thomas Müller
Leiter Vertrieb
Industriestr. 5, 80331 München
Telefon 0049 89 123456-0
E-Mail: t.mueller@mueller-bau.de`);
    assert.equal(contact.company?.name, 'Müller Bau GmbH & Co. KG');
    assert.equal(contact.jobTitle, 'Leiter Vertrieb');
    assert.deepEqual(contact.phones, [{ label: 'work', value: '+49 89 123456-0', primary: true }]);
    assert.deepEqual(contact.addresses[0], { label: 'work', line1: 'Industriestr. 5', postalCode: '80331', city: 'München', primary: true });
    assert.deepEqual(contact.emails[0]?.value, 't.mueller@mueller-bau.de');
  });

  it('should take several numbers on one line with separators, and a slash in a German number', () => {
    const { contact } = card(`
Sabine Koch
Projektleiterin
T 040/555 123 | M 0160 9876543 | F 040/555 124
s.koch@hafenlogistik.de`);
    assert.deepEqual(contact.phones.map((p) => [p.label, p.value]), [['work', '040 555 123'], ['mobile', '0160 9876543'], ['fax', '040 555 124']]);
    assert.equal(contact.phones.find((p) => p.primary)?.label, 'work');
    assert.equal(contact.jobTitle, 'Projektleiterin');
    assert.equal(contact.company?.name, 'Hafenlogistik', 'no legal form: the email domain names the company, unsurely');
  });

  it('should never make a fax the main number', () => {
    const { contact } = card(`
Fax +49 221 99887-99
Tel +49 221 99887-0
Peter Lang`);
    assert.deepEqual(contact.phones.map((p) => [p.label, p.primary]), [['fax', false], ['work', true]]);
  });

  it('should repair the umlaut of a German title the OCR misread', () => {
    assert.equal(card('Jana Schmidt\nGeschéaftsfiihrerin').contact.jobTitle, 'Geschäftsführerin');
    assert.equal(card('Max Weber\nGeschaftsfuhrer').contact.jobTitle, 'Geschäftsführer');
  });

  it('should read "(at)" and a © for @ in an email, and lower-case it', () => {
    assert.equal(card('Eva Stern\nE-Mail: Eva.Stern(at)sternwerk.de').contact.emails[0]?.value, 'eva.stern@sternwerk.de');
    assert.equal(card('Eva Stern\neva©sternwerk.de').contact.emails[0]?.value, 'eva@sternwerk.de');
  });

  it('should prefer the tallest line as the name when the OCR gives heights', () => {
    const { contact, confidence } = parseCard([
      { text: 'Blue Harbor Consulting', confidence: 0.95, height: 30 },
      { text: 'Lena Fischer', confidence: 0.9, height: 60 },
      { text: 'Senior Consultant', confidence: 0.8, height: 30 },
    ]);
    assert.equal(contact.firstName, 'Lena');
    assert.equal(contact.jobTitle, 'Senior Consultant');
    assert.equal(confidence.name, round(0.9 * 0.85));
    assert.equal(confidence.jobTitle, round(0.8 * 0.9));
  });

  it('should guess the name from the email, unsurely, when no line reads as one', () => {
    const { contact, confidence } = card('KFZ-WERKSTATT\nfelix.wagner@autohaus-wagner.de\n0711 123456');
    assert.equal(contact.firstName, 'Felix');
    assert.equal(contact.lastName, 'Wagner');
    assert.equal(confidence.name, 0.3);
  });

  it('should answer an empty draft with null confidences for a card with nothing on it', () => {
    const { contact, confidence } = card('~~\n..');
    assert.deepEqual(contact, { emails: [], phones: [], addresses: [] });
    assert.ok(Object.values(confidence).every((c) => c === null));
  });

  it('should normalise phone numbers to what the contact schema accepts', () => {
    assert.equal(normalizePhone('+49 (0) 30 / 12 34 56'), '+49 30 12 34 56');
    assert.equal(normalizePhone('0049 171 2345678'), '+49 171 2345678');
    assert.equal(normalizePhone('089.123.456'), '089 123 456');
    assert.equal(normalizePhone('12'), null);
    for (const value of ['+49 30 12 34 56', '+49 171 2345678', '(512) 555-0142']) assert.match(value, /^[+()\d\s.-]{4,30}$/);
  });

  it('should keep a company with an AG, a website with a scheme and an Austrian postcode', () => {
    const { contact } = card(`
Alpenblick Versicherungen AG
Mag. Stefan Huber
Vorstand
Mariahilfer Straße 45
A-1060 Wien
+43 1 234 56 78
http://www.alpenblick.at
stefan.huber@alpenblick.at`);
    assert.equal(contact.company?.name, 'Alpenblick Versicherungen AG');
    assert.equal(contact.company?.website, 'https://www.alpenblick.at');
    assert.equal(contact.firstName, 'Stefan');
    assert.equal(contact.jobTitle, 'Vorstand');
    assert.deepEqual(contact.addresses[0], { label: 'work', line1: 'Mariahilfer Straße 45', postalCode: '1060', city: 'Wien', country: 'Austria', primary: true });
    assert.deepEqual(contact.phones, [{ label: 'work', value: '+43 1 234 56 78', primary: true }]);
  });
});

function round(n: number) {
  return Math.round(n * 100) / 100;
}
