# realistic_v3, part 1: texts 1-40. (genre, country, marked_text); see ../README.md
RECORDS = [
("support_ticket", "DE", """Betreff: Paket nicht angekommen (Bestellnr. 4020-883715)

Hallo zusammen,
mein Paket sollte am 14.03. geliefert werden, laut Tracking wurde es aber an eine falsche Adresse zugestellt. Richtig ist: [[STREET_ADDRESS:Hermannstraße 112, Hinterhaus 3. OG, 12051 Berlin]]. Bitte rufen Sie mich unter [[PHONE_NUMBER:0151 28374619]] zurück, vormittags bin ich nicht erreichbar.

Viele Grüße
[[PERSON:Jana Kowalczyk-Brandt]]"""),

("chat_transcript", "US", """[10:02] <[[USERNAME:mari.t]]> hey is anyone from billing on?
[10:03] <[[USERNAME:support_devon]]> hi! [[PERSON:devon]] here, what's up
[10:03] <[[USERNAME:mari.t]]> got charged twice for plan Pro ($49.00). card is [[CREDIT_CARD:4539 1488 0343 646?]] - actually wait should i even paste that here
[10:04] <[[USERNAME:support_devon]]> please don't! i'll mask it. can you confirm the email on the account?
[10:04] <[[USERNAME:mari.t]]> [[EMAIL_ADDRESS:marisol.tejeda88@gmail.com]]"""),

("shipping_label", "GB", """SHIP TO:
MS [[PERSON:PRIYA RAGHUNATHAN]]
[[STREET_ADDRESS:FLAT 4B, 27 ELDON GROVE
NEWCASTLE UPON TYNE
NE1 7RU]]
UNITED KINGDOM
TEL: [[PHONE_NUMBER:+44 191 498 0632]]
REF: SO-2291-774   WT 1.2KG   1 OF 1
FROM: OAKWOOD CERAMICS LTD, [[STREET_ADDRESS:UNIT 9 HALLGATE IND EST, DONCASTER DN1 3NL]]"""),

("sms", "FR", """Bonjour Mme [[PERSON:Lefèvre]], votre RDV chez le Dr [[PERSON:Haddad]] est confirmé le 12/06 à 9h40, [[STREET_ADDRESS:14 rue des Tanneurs, 67000 Strasbourg]]. Pour annuler : [[PHONE_NUMBER:03 88 41 27 90]]. Merci de ne pas répondre à ce SMS."""),

("llm_prompt", "US", '''Summarize this customer's complaint in 2 sentences and draft a reply. Don't include anything sensitive in the reply.

---
Customer: [[PERSON:Terrence O'Malley]]
Acct #: [[ACCOUNT_NUMBER:88120-4471-09]]
SSN on file: [[US_SSN:412-67-9083]]
DOB: [[DATE_OF_BIRTH:03/22/1961]]
Message: "third time I'm calling about the late fee. I paid on the 2nd, your system says the 9th. [[PERSON:Terry]]"'''),

("app_log", "XX", """2024-05-17T08:14:22.913Z INFO  auth.login user=[[USERNAME:k.nakamura]] ip=[[IP_ADDRESS:203.0.113.47]] mfa=totp result=ok req_id=8f3e2a91c0d4 latency_ms=212
2024-05-17T08:14:25.006Z WARN  auth.login user=[[USERNAME:admin]] ip=[[IP_ADDRESS:198.51.100.203]] result=fail reason=bad_password attempts=5"""),

("invoice_note", "XX", """Credit note CN-2024-0419 issued against invoice INV-88213 (PO 4500177261). Qty 12 x SKU HX-220-BLK returned, unit price EUR 18.40, restocking fee 15%. Net refund EUR 187.68 incl. 19% VAT, booked 30.04.2024 to cost centre 4410. Carrier DHL Express, AWB 7741 8829 3310. Approved by Finance Ops, batch 2024-W18."""),

("hr_note", "NL", """Notitie HR - [[PERSON:de Vries-Bakker, Sanne]] (personeelsnr. 20417)
Startdatum 1 september, functie junior controller. Geboortedatum [[DATE_OF_BIRTH:07-11-1998]], BSN [[NATIONAL_ID~nl_bsn:24718390?]]. Salaris op [[IBAN_CODE:NL??ABNA0417283906]]. Leidinggevende: [[PERSON:Mehmet Yıldız]]. Adres: [[STREET_ADDRESS:Van Speijkstraat 41-3hg, 1057 GT Amsterdam]]. Let op: [[PERSON:Sanne]] werkt op dinsdag niet."""),

("call_transcript", "IN", """Agent: Thank you for calling, mera naam [[PERSON:Rohit]] hai. Aapka registered mobile number bata dijiye?
Caller: haan, [[PHONE_NUMBER:98203 41775]]. Name [[PERSON:Sunita Deshpande]].
Agent: Thank you ma'am. Verification ke liye Aadhaar ke last 4 digits?
Caller: 4417. Actually poora le lo, [[NATIONAL_ID~in_aadhaar:5738 2914 603?]].
Agent: Nahi ma'am, sirf last 4 chahiye tha. PAN bhi link hai kya?
Caller: haan, [[NATIONAL_ID:BQRPD4471K]]."""),

("sms", "KE", """Habari [[PERSON:Wanjiru]], your parcel from Nairobi is at Kisumu depot. Pick up with your ID ([[NATIONAL_ID:28417390]]) or call [[PHONE_NUMBER:0712 384 927]]. Ref KSM-88412. Asante."""),

("json_snippet", "BR", '''Erro ao sincronizar cliente, payload abaixo:
{"nome": "[[PERSON:João Pedro]]", "sobrenome": "[[PERSON:Albuquerque Neto]]", "cpf": "[[NATIONAL_ID~br_cpf:418.273.905-??]]", "nascimento": "[[DATE_OF_BIRTH:1987-02-14]]", "cep": "[[ZIP_CODE:04538-132]]", "telefone": "[[PHONE_NUMBER:+55 11 98427-3160]]", "plano": "PREMIUM_2024", "status": 409}'''),

("chat_transcript", "JP", """お客様：注文番号 A-20240512-0087 の件です。ワイヤレスイヤホン（型番 WH-1000XM5）が届きません。
サポートBot：ご不便をおかけしております。配送状況を確認しました。東京の倉庫から4月3日に出荷済みで、追跡番号は 4912-3380-1175 です。
お客様：大阪の営業所止めに変更できますか？
サポートBot：はい、変更いたしました。"""),

("email", "IT", """Buongiorno,
confermo la disponibilità per il sopralluogo di giovedì. L'indirizzo è [[STREET_ADDRESS:Via Nizza 53, scala B, int. 7, 10126 Torino]] (citofono [[PERSON:Bellandi-Russo]]).

Cordiali saluti
[[PERSON:Chiara Bellandi]]
[[PHONE_NUMBER:347 281 6604]]

> Il giorno 3 mag 2024, [[PERSON:Marco Ferrante]] <[[EMAIL_ADDRESS:m.ferrante.studio@libero.it]]> ha scritto:
> Gentile sig.ra [[PERSON:Bellandi]], quando possiamo passare per le misure?"""),

("crm_note", "MX", """Llamada entrante 11:20. La clienta [[PERSON:Guadalupe Ramírez Soto]] ("[[PERSON:Lupita]]") solicita cambio de domicilio fiscal a [[STREET_ADDRESS:Calle Río Lerma 148, Int. 5, Col. Cuauhtémoc, 06500 Ciudad de México, CDMX]]. RFC [[NATIONAL_ID~mx_rfc:RASG850917H3^]], CURP [[NATIONAL_ID~mx_curp:RASG850917MDFMTD0?]]. Tel. [[PHONE_NUMBER:55 4182 7390]]. Dice que su esposo, el Sr. [[PERSON:Aurelio]], ya no es titular."""),

("server_log", "XX", """[[IP_ADDRESS:192.0.2.18]] - - [17/May/2024:09:12:44 +0000] "GET /api/v2/users/[[USERNAME:lena_schroeder]]/avatar.png HTTP/1.1" 200 18342 "-" "Mozilla/5.0 (Macintosh)"
[[IP_ADDRESS:2001:db8:4a1::2c]] - - [17/May/2024:09:12:45 +0000] "POST /reset?email=[[EMAIL_ADDRESS:olu.adeyemi%40yahoo.com]]&token=[[SECRET:q7Zr2LwX9vPk4TnB8sYd]] HTTP/1.1" 302 0"""),

("medical_intake", "US", """INTAKE - Urgent Care, Room 3
Pt: [[PERSON:HOLLOWAY, Dwayne R.]]  DOB [[DATE_OF_BIRTH:08/30/1979]]
ID checked: IL DL [[US_DRIVER_LICENSE:H418-2739-0512]]
Ins: BlueRiver PPO, member ID [[ACCOUNT_NUMBER:XRP418273901]], group 77120
CC: L ankle inversion injury playing basketball 2 days ago, swelling, can bear weight. Allergies: PCN (rash). Emergency contact: wife [[PERSON:Keisha]] [[PHONE_NUMBER:(312) 555-0148]]. Seen by [[PERSON:A. Brennan]], PA-C."""),

("marketplace_message", "PL", """Dzień dobry, czy rower jest jeszcze dostępny? Mogę odebrać w sobotę. Jeśli wolą Państwo wysyłkę, proszę na adres: [[PERSON:Bartosz Wiśniewski]], [[STREET_ADDRESS:ul. Kościuszki 18 m. 24, 30-105 Kraków]]. Zapłacę przelewem albo BLIKIEM na numer [[PHONE_NUMBER:501 284 739]]. Pozdrawiam, [[PERSON:Bartek]]"""),

("travel_booking", "ES", """Localizador: QX7T2M
Pasajero 1: [[PERSON:GARCIA DE LA TORRE/ALEJANDRO]] MR
Pasajero 2: [[PERSON:MORENO RUIZ/LUCIA]] MS
DNI pasajero 1: [[NATIONAL_ID~es_dni:50281739*]]
Pasaporte pasajero 2: [[PASSPORT:PAK418273]]
Vuelo IB3172 MAD-ORY 14JUN 07:25, tarifa Basic, equipaje 1x23kg
Contacto: [[EMAIL_ADDRESS:alejandro.gtorre@hotmail.es]] / [[PHONE_NUMBER:+34 612 483 907]]"""),

("sms", "SE", """Din beställning #SE-774102 från Klädhuset har skickats med PostNord. Leverans till ombud ICA Nära Södermalm tis 21/5. Visa legitimation och detta SMS vid upphämtning. Belopp 599 kr betalt med Swish. Svara STOPP för att avsluta."""),

("yaml_snippet", "XX", """Here's the config that leaks, can someone check why CI prints it?
database:
  host: [[IP_ADDRESS:10.20.4.17]]
  port: 5432
  user: [[USERNAME:svc_billing]]
  password: "[[SECRET:Tr0ub4dor&3-winter]]"
smtp:
  from: [[EMAIL_ADDRESS:noreply@example.com]]
  api_key: [[SECRET:SG.x7Kq2LmN9pRt4VwZ.b8Yc3Hf6Jk1Mn5Qs0Tu7Wx2Za4Cd9Ef]]
version: 3.14.2"""),

("appointment_reminder", "AU", """Hi [[PERSON:Lachlan]], reminder: physio with [[PERSON:Mei-Ling]] at Bondi Junction Physio & Pilates, Thu 6 June 3:15pm. Address [[STREET_ADDRESS:Level 2, 500 Oxford St, Bondi Junction NSW 2022]]. Reply C to confirm or call [[PHONE_NUMBER:(02) 5550 1234]]. Cancellations <24h incur a $40 fee."""),

("insurance_intake", "DE", """Schadenmeldung Kfz - Vers.-Nr. [[ACCOUNT_NUMBER:KH-4471-20983-01]]
Versicherungsnehmer: [[PERSON:Özdemir, Can]], geb. [[DATE_OF_BIRTH:02.09.1990]]
Anschrift: [[STREET_ADDRESS:Am Kirchberg 7a
55130 Mainz]]
Unfallgegner: [[PERSON:Gisela Hartung]], Kennzeichen MZ-GH 418
Hergang: Auffahrunfall an der Ampel Rheinallee, Sachschaden ca. 2.300 EUR. Steuer-ID des VN für Auszahlung: [[NATIONAL_ID~de_idnr:5718320947?]]"""),

("csv_snippet", "FR", """Import échoué ligne 3, voici l'extrait :
nom;prenom;email;tel;iban
[[PERSON:Martin]];[[PERSON:Élodie]];[[EMAIL_ADDRESS:elodie.martin@orange.fr]];[[PHONE_NUMBER:06 72 14 38 90]];[[IBAN_CODE:FR?? 3000 4028 3700 0104 7182 9??]]
[[PERSON:N'Diaye]];[[PERSON:Moussa]];[[EMAIL_ADDRESS:moussa.ndiaye@free.fr]];[[PHONE_NUMBER:01 99 00 27 14]];FR76 XXXX (masqué)"""),

("meeting_notes", "GB", """Weekly sync - support escalations
Attendees: [[PERSON:Priya]], [[PERSON:Tom H.]], [[PERSON:Olusegun]], [[PERSON:Agnieszka]]
- Ticket #55120: Mr [[PERSON:Fairbanks]] still waiting on refund of £212.40; [[PERSON:Tom]] to chase Finance.
- Release 4.8.1 rollback done, no data loss.
- [[PERSON:Agnieszka]] sends the GDPR export for [[EMAIL_ADDRESS:r.fairbanks@btinternet.com]] by Friday.
- Next sync moved to Wed (Leeds office)."""),

("form_comment", "AR", """Comentario: Compré el plan Familia Plus el 03/04/2024 pero me siguen cobrando $12.999 ARS por mes en lugar de $9.499. El número de factura es B-0004-00188271. Ya hablé con el asistente virtual 'Sofi' y no resolvió nada. ¿Pueden revisar? Gracias."""),

("sms", "NG", """Dear Customer, N25,000.00 debited from A/C [[ACCOUNT_NUMBER:0123847192]] to [[PERSON:CHUKWUEMEKA OBI]] on 14-May-24 10:22. Bal: N183,442.17. If you did not authorize, call [[PHONE_NUMBER:0803 418 2739]]. Never share your OTP or BVN."""),

("email", "TR", """Konu: Kira sözleşmesi - daire 5

Merhaba [[PERSON:Elif]] Hanım,
sözleşmeyi ekte gönderiyorum. Kiracı bilgileri: [[PERSON:Burak Şahin]], TC kimlik no [[NATIONAL_ID~tr_tckn:418273905??]], doğum tarihi [[DATE_OF_BIRTH:11.04.1993]]. Adres: [[STREET_ADDRESS:Moda Cad. No: 142 Daire: 5, 34710 Kadıköy/İstanbul]]. Depozito [[IBAN_CODE:TR??0006 2000 4180 0006 2917 34]] hesabına yatırılacak.

Saygılarımla,
Av. [[PERSON:Kerem Aydın]]
[[PHONE_NUMBER:0532 418 27 93]]"""),

("app_log", "XX", '''E/PaymentSheet(12873): onError: card_declined email=[[EMAIL_ADDRESS:dimitra.p@outlook.com]]
D/OkHttp: --> POST https://api.example-pay.com/v1/payment_intents
D/OkHttp: Authorization: Bearer [[SECRET:sk_test_51Hx9QeLk2Zt8VbN3mWq7RsY4]]
D/OkHttp: {"amount":4999,"currency":"eur","description":"Order 7781-22"}'''),

("hr_note", "SE", """Anteckning: [[PERSON:Johanna Lindqvist]] (personnr [[NATIONAL_ID~se_pnr:19880314-218?]]) går ner till 80 % från 1 augusti. Lön betalas till clearing 8327-9, konto [[ACCOUNT_NUMBER:914 382 716-4]]. Närmaste chef [[PERSON:Erik Åberg]] har godkänt. Ny adress: [[STREET_ADDRESS:Ringvägen 88, 3 tr, 118 60 Stockholm]]."""),

("app_log", "XX", """2024-06-02 03:00:01,114 INFO  [scheduler] job=nightly-reconcile run_id=5c1e9a7b-3f2d-4e8a-9b61-0d7f2a4c8e13 started
2024-06-02 03:00:07,882 WARN  [ledger] 14 rows skipped: currency mismatch (EUR/CHF)
2024-06-02 03:00:09,330 INFO  [exporter] wrote s3://fin-exports/2024/06/02/recon.parquet (2.4 MB), version=v1.19.0-rc3
2024-06-02 03:00:09,331 INFO  [scheduler] job finished in 8.2s exit=0"""),

("call_transcript", "ZA", """Agent: Good afternoon, Vuka Mobile, you're speaking to [[PERSON:Thandiwe]].
Caller: Hi, it's [[PERSON:Pieter van der Merwe]], I want to port my number [[PHONE_NUMBER:082 418 3927]] to a contract.
Agent: Sure, I'll need your ID number please.
Caller: [[NATIONAL_ID~za_id:790214 5082 08?]].
Agent: And the delivery address for the SIM?
Caller: [[STREET_ADDRESS:14 Jacaranda Close, Lynnwood Manor, Pretoria 0081]]."""),

("invoice_note", "BE", """Note de crédit NC-2024/117 - remboursement partiel
Client : [[PERSON:Delphine Wauters]], n° client [[ACCOUNT_NUMBER:BE-CL-004718]]
Montant : 84,70 EUR remboursé sur [[IBAN_CODE:BE?? 0018 4172 93??]]
Motif : article 3 (lampe Ardenne, réf. LMP-33-W) arrivé cassé.
Adresse de facturation : [[STREET_ADDRESS:Rue de la Station 22 bte 3, 1348 Louvain-la-Neuve]]"""),

("chat_transcript", "KR", """[오후 2:14] 고객 [[USERNAME:mingyu_0417]]: 배송지 변경하고 싶어요
[오후 2:15] 상담원 [[PERSON:이수진]]: 네 고객님, 변경하실 주소 말씀해 주세요.
[오후 2:15] 고객 [[USERNAME:mingyu_0417]]: [[STREET_ADDRESS:서울특별시 마포구 월드컵북로 396, 102동 1504호]]
[오후 2:16] 고객 [[USERNAME:mingyu_0417]]: 받는 사람은 [[PERSON:김민규]]이고 연락처 [[PHONE_NUMBER:010-3847-2910]]이에요
[오후 2:16] 상담원 [[PERSON:이수진]]: 변경 완료되었습니다."""),

("llm_prompt", "FR", """Rédige une lettre de relance polie pour ce locataire, ton ferme mais courtois :
Locataire : [[PERSON:Kévin Da Silva]]
Logement : [[STREET_ADDRESS:8 allée des Mimosas, Bât. C, appt 31, 69008 Lyon]]
Loyer impayé : avril et mai (2 x 745 EUR)
N° sécu (pour le dossier CAF) : [[NATIONAL_ID~fr_nir:1 91 07 69 388 142 ??]]
Signe au nom de Mme [[PERSON:Brigitte Perrin]], gestionnaire."""),

("shipping_label", "JP", """お届け先
〒[[STREET_ADDRESS:150-0042
東京都渋谷区宇田川町 47-9 渋谷第二ビル 8F]]
[[PERSON:佐藤 健太]] 様
TEL [[PHONE_NUMBER:090-4127-3856]]
品名：書籍（技術書）×2
ご依頼主：株式会社ミドリ書房 お客様センター
配達希望日：5月22日 午前中"""),

("email", "DE", """Hallo Team,
kurze Info: Das Release 2.7.0 der Kassen-App geht am Montag, 10.06., live. Betroffen sind die Filialen in Köln, Düsseldorf und Bonn. Bitte die Artikelnummern 400-1183 bis 400-1190 (Bio-Hafermilch 1 l) vorher im Warenwirtschaftssystem prüfen - der Preis ändert sich von 1,49 EUR auf 1,59 EUR. Rückfragen wie immer ins Ticketsystem, Queue "Filial-IT".
Danke!
Euer Filial-IT-Team"""),

("support_ticket", "ID", """Halo kak, saya mau komplain. Pesanan saya INV/20240511/MPL/3817204 belum sampai padahal status sudah 'diterima'. Alamat saya [[STREET_ADDRESS:Jl. Kaliurang Km 5,6 Gg. Pandega Marta No. 12, Sleman, DI Yogyakarta 55281]]. Atas nama [[PERSON:Dewi Anggraini Putri]], no HP [[PHONE_NUMBER:0812-3381-4920]]. Tolong dicek ya kak, makasih."""),

("form_comment", "CA", """Additional comments: Please cancel my subscription. I moved to Halifax last month. New address if you need to send the final bill: [[STREET_ADDRESS:2210 Gottingen St, Apt 306, Halifax NS B3K 3B4]]. My SIN is [[NATIONAL_ID~ca_sin:527 318 40?]] if you need it for the tax slip, and account [[ACCOUNT_NUMBER:7741-09921]]. - [[PERSON:Marie-Ève Tremblay]]"""),

("marketplace_message", "VN", """Chào anh, em muốn mua cái laptop Dell bản 16GB anh đăng hôm qua. Anh gửi COD về giúp em: [[PERSON:Nguyễn Thị Thu Hà]], [[STREET_ADDRESS:số 27 ngõ 95 Chùa Bộc, phường Trung Liệt, quận Đống Đa, Hà Nội]], SĐT [[PHONE_NUMBER:091 284 7731]]. Nếu máy có lỗi cần hoàn tiền thì anh chuyển về STK Vietcombank [[ACCOUNT_NUMBER:0451000418273]] tên [[PERSON:NGUYEN THI THU HA]] nhé."""),

("server_log", "XX", """May 17 02:41:09 bastion-01 sshd[22817]: Failed password for invalid user [[USERNAME:oracle]] from [[IP_ADDRESS:203.0.113.91]] port 51422 ssh2
May 17 02:41:12 bastion-01 sshd[22817]: Accepted publickey for [[USERNAME:r.okonkwo]] from [[IP_ADDRESS:2001:db8:85a3::8a2e:370:7334]] port 60211 ssh2: ED25519 SHA256:Xq3m9ZrT7kLw2yVb5NcHs8PjD4fGa1eU6oRi0tKnM
May 17 02:41:12 bastion-01 sudo: [[USERNAME:r.okonkwo]] : TTY=pts/0 ; PWD=/home/[[USERNAME:r.okonkwo]] ; COMMAND=/usr/bin/systemctl restart api"""),
]
