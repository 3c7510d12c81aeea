# Hand-written texts, part 1. Each record: (genre, country, marked_text).
# Marks: [[TYPE:value]]; [[TYPE~scheme:value]] has check digits ('?', '*', '^') filled by build.py.
RECORDS = [
("support_ticket", "DK",
 "Subject: Wrong delivery address on order #DK-448213\n\nHej, I moved last month and the parcel went to my old flat. "
 "New address is [[STREET_ADDRESS:Jægersborggade 27, 2. th., 2200 København N]]. Phone [[PHONE_NUMBER:+45 31 72 84 19]] "
 "if the driver needs it.\n\nMvh [[PERSON:Mette Kjærgaard]]"),

("sms", "US",
 "hi [[PERSON:sam]], your table for 4 at Rosalind's Kitchen is confirmed for Fri 7:30pm. Reply C to cancel or call "
 "[[PHONE_NUMBER:(503) 555-0142]]. Street parking only after 6pm. The card on file (Visa ending 2231) is only charged "
 "for no-shows. See you soon!"),

("app_log", "XX",
 "2024-03-11T08:14:22.531Z INFO  checkout-svc v2.14.3 order=ORD-2024-118842 status=CAPTURED amount=129.00 EUR "
 "card_brand=VISA last4=4417 trace_id=7f3c9a1e2b4d4f60 region=eu-west-1 latency_ms=184"),

("email", "PL",
 "Dzień dobry,\n\nw załączniku przesyłam fakturę korygującą. Proszę o przelew na rachunek "
 "[[IBAN_CODE:PL?? 1140 2004 0000 3102 7854 1263]].\n\nPozdrawiam\n[[PERSON:Agnieszka Wróblewska-Nowak]]\n"
 "Księgowość, Drukarnia Orzeł sp. z o.o.\n[[STREET_ADDRESS:ul. Piotrkowska 148/150 lok. 12, 90-063 Łódź]]\n"
 "tel. [[PHONE_NUMBER:+48 42 631 27 45]]"),

("chat_transcript", "BR",
 "[10:02] [[USERNAME:cliente_beatriz]]: oi, meu cartão foi recusado\n"
 "[10:02] Atendente [[PERSON:Júlio]]: Olá [[PERSON:Beatriz]]! Pode me confirmar seu CPF?\n"
 "[10:03] [[USERNAME:cliente_beatriz]]: [[NATIONAL_ID~br_cpf:371.594.826-??]]\n"
 "[10:03] Atendente [[PERSON:Júlio]]: Obrigado. Vejo uma tentativa às 09:58 no cartão final 8812, bloqueada por segurança."),

("shipping_label", "JP",
 "お届け先\n〒[[STREET_ADDRESS:150-0043 東京都渋谷区道玄坂2丁目15-3 ヒルサイド道玄坂402号室]]\n[[PERSON:高橋 美咲]] 様\n"
 "TEL [[PHONE_NUMBER:090-3814-7726]]\n品名: 書籍 / 追跡番号 4471-2290-1836\nご依頼主: 株式会社ブックポート"),

("crm_note", "IT",
 "Chiamata con la dott.ssa [[PERSON:Giulia De Santis]] (studio dentistico, [[STREET_ADDRESS:Via dei Serragli 41, 50124 Firenze FI]]). "
 "Interessata al piano Pro per 3 poltrone. Richiamare giovedì dopo le 15. Cell. [[PHONE_NUMBER:+39 347 218 5503]], "
 "email [[EMAIL_ADDRESS:g.desantis@studiodesantis.example.it]]. Codice fiscale per contratto: "
 "[[NATIONAL_ID~it_cf:DSNGLI79M52D612*]]."),

("llm_prompt", "XX",
 "Rewrite this release note in a friendlier tone: 'Version 4.2.0 of Ledgerly ships on Monday 3 June. The Berlin and "
 "Singapore data centres move to the new cluster; exports older than 90 days are archived. Ticket INC-20931 tracks the "
 "rollout. Ask the Nimbus bot in #ops-help for status.'"),

("hr_note", "NG",
 "Onboarding checklist – [[PERSON:Chukwuemeka Obi-Nwosu]] (Lagos office)\n- NIN: [[NATIONAL_ID:48215937604]] verified\n"
 "- Home: [[STREET_ADDRESS:14B Admiralty Way, Lekki Phase 1, Lagos 106104]]\n"
 "- Emergency contact: [[PERSON:Ngozi Obi]] (sister) [[PHONE_NUMBER:+234 803 417 2285]]\n"
 "- Start date 2 September; laptop ticket IT-5531"),

("payment_note", "DE",
 "Rückerstattung angewiesen: 89,90 EUR an [[PERSON:Jörg Hoffmann-Ebersbach]], [[IBAN_CODE:DE?? 5001 0517 5407 3249 31]], "
 "BIC INGDDEFFXXX. Grund: doppelte Abbuchung Rechnung RE-2024-07781. Kundennummer [[ACCOUNT_NUMBER:K-3308172]]. Kunde "
 "informiert per E-Mail an [[EMAIL_ADDRESS:j.hoffmann-ebersbach@t-online.de]], Gutschrift in 2–3 Bankarbeitstagen."),

("call_transcript", "US",
 "Agent: Thanks for calling Brightline Mobile, this is [[PERSON:Tara]]. Who am I speaking with?\n"
 "Caller: Uh, it's [[PERSON:Marcus]], [[PERSON:Marcus Delgado]].\n"
 "Agent: Thanks [[PERSON:Marcus]]. For verification, just the last four of your Social?\n"
 "Caller: Oh, the whole thing is [[US_SSN:519-46-2273]], I don't mind.\n"
 "Agent: Only the last four is needed, sir, please don't read out the full number."),

("shipping_instructions", "US",
 "Ship to: SGT [[PERSON:Dwayne K. Holloway]]\n[[STREET_ADDRESS:Unit 2050 Box 4190\nAPO AP 96278-2050]]\n"
 "Please use USPS only, FedEx/UPS will not deliver to APO. Customs form 2976-A filled, contents: vitamins, paperback "
 "books. Order 77120-B."),

("sms", "IN",
 "Dear [[PERSON:Priya Raghunathan]], your appointment at Apollo Clinic, Jubilee Hills on 14-Aug at 11:30 is confirmed. "
 "Booking ref APL-22814. For changes call [[PHONE_NUMBER:040 2360 7177]]. Please carry previous "
 "prescriptions and arrive 15 minutes early. Reply 1 to confirm, 2 to reschedule."),

("support_ticket", "XX",
 "Our Zendesk widget stopped loading after we upgraded to Chrome 126 on Tuesday. Console error: 'Failed to load "
 "resource: net::ERR_BLOCKED_BY_CLIENT' for widget.zdassets.com. Happens in the Amsterdam and Toronto offices. "
 "Ticket #48812, priority normal."),

("json_snippet", "KR",
 '{"customer": {"name": "[[PERSON:김민준]]", "phone": "[[PHONE_NUMBER:010-4827-3916]]", '
 '"address": "[[STREET_ADDRESS:서울특별시 마포구 월드컵북로 396, 1203호]]", "postal_code": "[[ZIP_CODE:03925]]", '
 '"email": "[[EMAIL_ADDRESS:minjun.kim@naver.com]]", "memo": "문 앞에 놓아주세요"}, '
 '"order_id": "KR-20240611-0042", "items": 3}'),

("email", "ZA",
 "Hi [[PERSON:Thandiwe]],\n\nThanks for the documents. The ID number on the form, [[NATIONAL_ID~za_id:910214 0428 08?]], "
 "doesn't match the name on the lease, can you double check? The courier will collect the signed copy at "
 "[[STREET_ADDRESS:18 Jan Smuts Avenue, Parktown North, Johannesburg, 2193]].\n\nRegards,\n[[PERSON:Pieter van der Merwe]]\n"
 "Letting agent | [[PHONE_NUMBER:+27 82 614 3307]]"),

("form_comment", "FR",
 "Commentaire : merci de livrer après 18h, interphone au nom de [[PERSON:LEFÈVRE]]. "
 "[[STREET_ADDRESS:12 rue des Martyrs, bât. B, 3e étage, 75009 Paris]]. Si le digicode ne marche pas, appelez-moi au "
 "[[PHONE_NUMBER:06 48 21 73 90]]. Colis fragile (vaisselle), merci de ne pas le laisser devant la porte. La commande "
 "est au nom de ma fille, [[PERSON:Manon Lefèvre]]."),

("app_log", "US",
 '2024-05-02 14:03:11,902 WARN auth.login failed for user=[[USERNAME:kfitzgerald]] src_ip=[[IP_ADDRESS:198.51.100.23]] '
 'reason=bad_password attempts=4 ua="Mozilla/5.0 (Macintosh)" request_id=req_8HqK2x'),

("hr_note", "GB",
 "Note to file: [[PERSON:Siobhan O'Connell-Reyes]], payroll change from 1 July. New bank details: sort code 20-45-77, "
 "account [[ACCOUNT_NUMBER:41829036]]. NI number [[NATIONAL_ID:JT 48 21 93 C]]. Confirmed by phone on "
 "[[PHONE_NUMBER:07834 612 905]]. Old account closed; first salary to the new one on 25 July. Home address unchanged: "
 "[[STREET_ADDRESS:27 Elmfield Terrace, Leeds LS6 2PQ]]."),

("crm_note", "XX",
 "Follow-up: Acme Logistics wants the Enterprise tier quote revised before Q3. Their procurement portal requires vendor "
 "ID VND-004521. Demo scheduled Thursday 14:00 CET with the Munich team. Competitor mentioned: Salesforce. Next step: "
 "send SOC 2 report (2023 edition)."),

("llm_prompt", "MX",
 "Resume esta queja y redacta una respuesta en español:\n\"Soy [[PERSON:María Fernanda Gutiérrez Ochoa]], mi CURP es "
 "[[NATIONAL_ID~mx_curp:GUOF880623MJCTCR0?]]. Me cobraron dos veces el envío al domicilio "
 "[[STREET_ADDRESS:Av. Chapultepec 480, Int. 7, Col. Americana, 44160 Guadalajara, Jal.]] y nadie contesta en el "
 "[[PHONE_NUMBER:33 3615 8827]].\""),

("sms", "KE",
 "[[PERSON:Wanjiru]], M-PESA payment of KES 2,450 received from [[PHONE_NUMBER:0722 418 307]] for order 99812. Pick up at "
 "Sarit Centre counter 4 from 10am. Bring your ID and this message. Questions? WhatsApp us on "
 "[[PHONE_NUMBER:0711 240 886]]. Asante!"),

("appointment_reminder", "AU",
 "Reminder: [[PERSON:Liam O'Sullivan]], your physio appointment with Dr [[PERSON:Anjali Mehta]] is on Wed 12 June at "
 "9:15am at [[STREET_ADDRESS:Suite 4, 210 Oxford Street, Bondi Junction NSW 2022]]. Reply N to cancel or call "
 "[[PHONE_NUMBER:(02) 9387 4410]]. Please bring your referral letter and wear comfortable clothing."),

("shipping_instructions", "NL",
 "Bezorgen bij de buren op nr. 265 als ik niet thuis ben. Adres: [[STREET_ADDRESS:Prinsengracht 263-1hg, 1016 GV Amsterdam]]. "
 "Bel aan bij [[PERSON:de Vries]]. Mobiel [[PHONE_NUMBER:06-41827593]]. Op dinsdag en donderdag werk ik thuis, "
 "dan ben ik er vanaf 9 uur. Het pakket past niet door de brievenbus."),

("chat_transcript", "TR",
 "Müşteri ([[USERNAME:ayse.kaya84]]): Merhaba, kargom hâlâ gelmedi.\n"
 "Temsilci [[PERSON:Emre]]: Merhaba [[PERSON:Ayşe]] Hanım, teslimat adresiniz "
 "[[STREET_ADDRESS:Bağdat Caddesi No: 214 Daire: 7, Caddebostan Mah., 34728 Kadıköy/İstanbul]] doğru mu?\n"
 "Müşteri ([[USERNAME:ayse.kaya84]]): Evet doğru. TC kimlik no [[NATIONAL_ID~tr_tckn:386152047??]] lazım mı?"),

("shipping_label", "XX",
 "FROM: Northwind Outdoor Gear GmbH, Returns Dept.\nTRACKING: 1Z 999 AA1 01 2345 6784\nSERVICE: UPS Standard\n"
 "WEIGHT: 2.4 kg | 3 of 3\nREF: RMA-55102 / PO 4410-77\nCONTENTS: tent poles (SKU NW-TP-220), stakes"),

("crm_note", "CH",
 "Kunde [[PERSON:Reto Brunner]] (Treuhand Brunner AG) wünscht Umstellung auf Jahresabo. Rechnungsadresse neu: "
 "[[STREET_ADDRESS:Bahnhofstrasse 17, 8001 Zürich]]. Zahlungen bitte auf [[IBAN_CODE:CH?? 0900 0000 8752 1406 3]]. "
 "AHV-Nr. nur für Lohnmodul: [[NATIONAL_ID~ch_ahv:756.4812.3390.1?]]. Tel. [[PHONE_NUMBER:044 212 48 63]]."),

("email", "FI",
 "Hei,\n\nlähetän tässä tiedot vuokrasopimusta varten: [[PERSON:Aino Mäkelä]], hetu [[NATIONAL_ID~fi_hetu:240396-512^]], "
 "nykyinen osoite [[STREET_ADDRESS:Mannerheimintie 54 B 23, 00260 Helsinki]]. Tilinumero takuuvuokran palautukseen "
 "[[IBAN_CODE:FI?? 1234 5600 7785 13]].\n\nTerveisin [[PERSON:Aino]]\n[[PHONE_NUMBER:040 718 2946]]"),

("support_ticket", "GR",
 "Θέμα: Αλλαγή διεύθυνσης\n\nΚαλησπέρα, είμαι η [[PERSON:Ελένη Παπαδοπούλου]]. Παρακαλώ ενημερώστε τη διεύθυνση "
 "αποστολής σε [[STREET_ADDRESS:Σόλωνος 112, 106 80 Αθήνα]]. Κινητό: [[PHONE_NUMBER:694 812 3057]]. "
 "Αριθμός παραγγελίας GR-77412. Αν δεν είμαι σπίτι, αφήστε το δέμα στον θυρωρό, κ. [[PERSON:Σταύρο]]."),

("app_log", "XX",
 'ERROR 2024-06-01T10:22:19Z payments.stripe_client: request failed 401 {"error":"invalid api key"} '
 'key=[[SECRET:sk_live_51Mq8ZkLr4TnW2pXv9QaHcD7eYt3uB6oR]] host=api.stripe.com retry=3 idempotency=ik_20931'),

("payment_note", "US",
 "Refund approved by [[PERSON:Kelsey Tran]]: $214.50 back to Visa [[CREDIT_CARD:4716 3302 8814 920?]] (customer read the "
 "full number out in chat, please mask in future). Original charge Apr 28, invoice INV-30917. Customer "
 "[[PERSON:Omar Haddad]], member [[ACCOUNT_NUMBER:BLM-00482291]]."),

("shipping_instructions", "CA",
 "Livraison : [[PERSON:Geneviève Tremblay]]\n[[STREET_ADDRESS:2150 rue Sainte-Catherine Ouest, app. 804\n"
 "Montréal (Québec)  H3H 1M7]]\nSVP laisser au concierge si absente. Tél. [[PHONE_NUMBER:514-555-0163]]. Le colis "
 "contient des médicaments, à garder au frais. Merci!"),

("sms", "XX",
 "Your Lyft driver is arriving in a white Toyota Prius. Pickup at Terminal 2 departures, door 5. Trip ID 88-1204-C. "
 "Need help? Open the app > Help."),

("hr_note", "IE",
 "Performance check-in, [[PERSON:Aoife Ní Bhriain]], 14 Mar. PPSN [[NATIONAL_ID~ie_pps:8471265*A]] updated after "
 "marriage. Home address change: [[STREET_ADDRESS:Apt 6, 23 Harcourt Street, Dublin 2, D02 H6T4]]. Manager: "
 "[[PERSON:Declan Moriarty]]. New emergency contact: her husband [[PERSON:Cian Brennan]], [[PHONE_NUMBER:086 417 2935]]. "
 "Next review in September."),

("llm_prompt", "IN",
 "Extract the fields as JSON: name, PAN, Aadhaar, passport, phone, email, dob.\n\nKYC form text: Name: [[PERSON:RAJESH KUMAR IYER]] | "
 "PAN: [[NATIONAL_ID:AKJPI4827L]] | Aadhaar: [[NATIONAL_ID~in_aadhaar:5381 2906 417?]] | Mobile: "
 "[[PHONE_NUMBER:+91 98450 31276]] | DOB: [[DATE_OF_BIRTH:17/04/1986]] | Passport: [[PASSPORT:Z4827193]] | Email: "
 "[[EMAIL_ADDRESS:rajesh.iyer86@rediffmail.com]]"),

("email", "ES",
 "Buenas tardes:\n\nadjunto los datos para la domiciliación: titular [[PERSON:Javier Martínez de la Fuente]], DNI "
 "[[NATIONAL_ID~es_dni:50837214*]], cuenta [[IBAN_CODE:ES?? 0049 1500 ??21 1039 2417]]. El primer recibo se pasará el 5 de julio; si hay "
 "algún problema, llámame al [[PHONE_NUMBER:+34 655 218 743]].\n\nUn saludo,\n[[PERSON:Javier]]\n"
 "[[STREET_ADDRESS:C/ Mallorca 214, 2º 1ª, 08008 Barcelona]]"),

("call_transcript", "PH",
 "[00:00:04] AGENT: Good afternoon, Globe Telecom, this is [[PERSON:Mark]].\n[00:00:07] CUSTOMER: Hi, this is "
 "[[PERSON:Maria Cristina Dela Cruz]], I'd like to port my number [[PHONE_NUMBER:0917 482 6630]].\n[00:00:15] AGENT: Sure "
 "ma'am. May I have the registered address?\n[00:00:19] CUSTOMER: [[STREET_ADDRESS:Unit 1408 One Serendra, 11th Avenue "
 "corner 28th Street, Bonifacio Global City, Taguig 1634]]."),

("form_comment", "US",
 "Please send the replacement check to my PO box, not the street address: [[PERSON:Harold J. Wentworth]], "
 "[[STREET_ADDRESS:P.O. Box 2219, Bozeman, MT 59771]]. Phone [[PHONE_NUMBER:406-555-0138]]. Montana driver license "
 "[[US_DRIVER_LICENSE:0317542198001]] attached as ID. The original check (no. 10442) came back as undeliverable on "
 "June 3. My SSN for the 1099-R is [[US_SSN:530-18-2947]]."),

("json_snippet", "AR",
 '{"event":"user.updated","data":{"id":"usr_20931","full_name":"[[PERSON:Lucía Belén Ferreyra]]",'
 '"dni":"[[NATIONAL_ID:33.482.917]]","email":"[[EMAIL_ADDRESS:lu.ferreyra@gmail.com]]",'
 '"address":"[[STREET_ADDRESS:Av. Corrientes 1847, 5° B, C1045AAB CABA]]","phone":"[[PHONE_NUMBER:+54 9 351 482-7716]]"},'
 '"ip":"[[IP_ADDRESS:198.51.100.142]]","ts":1717400112}'),

("chat_transcript", "UA",
 "Оператор [[PERSON:Ігор]]: Добрий день! Чим можу допомогти?\nКлієнт: Доброго дня, я [[PERSON:Олена Коваленко]], хочу "
 "змінити адресу доставки на [[STREET_ADDRESS:вул. Хрещатик, 22, кв. 14, Київ, 01001]].\nОператор [[PERSON:Ігор]]: "
 "Зрозумів. Підтвердіть, будь ласка, номер телефону.\nКлієнт: [[PHONE_NUMBER:+380 67 412 8835]]"),
]
