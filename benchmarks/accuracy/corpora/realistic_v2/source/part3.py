# Hand-written texts, part 3. Each record: (genre, country, marked_text).
RECORDS = [
("support_ticket", "US",
 "Ticket #88120: can't update payout details\nFrom: [[EMAIL_ADDRESS:rosa.villanueva77@yahoo.com]]\n\nI'm trying to add my "
 "checking account [[ACCOUNT_NUMBER:4402198837]] (routing 021000021) but the form keeps saying invalid. The tax form "
 "already has my SSN, [[US_SSN:587-20-4419]], so I don't know what else it wants. My shop handle is "
 "[[USERNAME:@rosaspottery]] (same as my Instagram, [[URL_PERSONAL:instagram.com/rosaspottery]]). Sales are waiting "
 "since May 30. Please help!\n[[PERSON:Rosa]]"),

("app_log", "XX",
 '{"level":"error","ts":"2024-06-13T07:45:10Z","svc":"orders-api","msg":"db connect failed",'
 '"dsn":"postgres://[[USERNAME:app_rw]]:[[SECRET:Zk8vQ2pLm4xT]]@[[IP_ADDRESS:10.20.0.15]]:5432/orders","attempt":5,'
 '"trace":"a1f3c9e2d4b5"}'),

("chat_transcript", "GB",
 "[14:20] [[PERSON:Oliver]] (Support): Hi there, you're chatting with [[PERSON:Oliver]].\n"
 "[14:21] Guest: hi its [[PERSON:charlotte pemberton]], my card [[CREDIT_CARD:4929 1736 0485 227?]] got charged twice\n"
 "[14:21] [[PERSON:Oliver]] (Support): Sorry to hear that [[PERSON:Charlotte]]! For security please don't share full card "
 "numbers here. Can you confirm the billing postcode?\n[14:22] Guest: [[ZIP_CODE:SW11 4NP]]\n[14:22] [[PERSON:Oliver]] "
 "(Support): Thanks! I can see both charges of £32.99 on 11 June and I've refunded the second one."),

("shipping_instructions", "US",
 "Ship to:\nLT [[PERSON:Rachel Nguyen-Park]]\n[[STREET_ADDRESS:USS Ronald Reagan (CVN 76)\nFPO AP 96616-1150]]\n"
 "No lithium batteries. Declared value $40. Gift: yes. Use the PS Form 2976-R, it's a military address. Stateside "
 "contact (her husband [[PERSON:Daniel Park]]): [[PHONE_NUMBER:619-555-0183]]."),

("hr_note", "FR",
 "Dossier [[PERSON:Camille Bertrand-Moreau]] : arrêt maladie du 3 au 14 juin. N° de sécurité sociale "
 "[[NATIONAL_ID~fr_nir:2 89 06 75 112 047 ??]]. Adresse : [[STREET_ADDRESS:8 allée des Tilleuls, 69003 Lyon]]. "
 "Manager informé ([[PERSON:Hugo Lambert]]). Penser à la subrogation pour la paie de juin."),

("email", "PT",
 "Hi all,\n\nQuick reminder that the Lisbon offsite runs 9–11 October. Flights are booked via TravelPerk and the hotel "
 "is the Memmo Príncipe Real. Agenda v3 is in Notion. Please submit expenses in Pleo by 31 October.\n\nThanks,\nPeople Ops"),

("sms", "DE",
 "Hallo [[PERSON:Lukas]], dein Paket von Zalando liegt in der Packstation 142 für dich bereit. Gültig bis Samstag. "
 "Öffne die Post & DHL App, um es abzuholen. Sendung 00340434161094042557"),

("json_snippet", "BR",
 '{"cliente":{"nome":"[[PERSON:Ana Clara Souza Lima]]","cpf":"[[NATIONAL_ID~br_cpf:082.417.359-??]]",'
 '"celular":"[[PHONE_NUMBER:+55 11 98742-1306]]","endereco":{"logradouro":"[[STREET_ADDRESS:Rua Augusta, 1508, apto 72]]",'
 '"cep":"[[ZIP_CODE:01304-001]]","cidade":"São Paulo","uf":"SP"},"passaporte":"[[PASSPORT:FZ482913]]"},"pedido":"BR-771203"}'),

("crm_note", "EG",
 "Met Dr. [[PERSON:Yasmine El-Sayed]] at the Cairo ICT expo. She wants 40 seats for her clinic chain and a demo in "
 "Arabic. Mobile [[PHONE_NUMBER:+20 122 517 3384]], email [[EMAIL_ADDRESS:yasmine.elsayed@nilecare.example.eg]]. Office: "
 "[[STREET_ADDRESS:15 Mohamed Mahmoud St, Garden City, Cairo 11451]]. Send the Arabic deck by Sunday."),

("email", "CZ",
 "Dobrý den paní [[PERSON:Novotná]],\n\npotvrzujeme přijetí platby 3 450 Kč z účtu [[ACCOUNT_NUMBER:2400718455]]/2010. "
 "Pro vystavení smlouvy prosím ověřte rodné číslo [[NATIONAL_ID~cz_rc:865711/312?]] a adresu "
 "[[STREET_ADDRESS:Masarykova 427/31, 602 00 Brno]].\n\nS pozdravem\n[[PERSON:Jan Procházka]]\nZákaznické centrum"),

("payment_note", "GB",
 "Supplier payment run 14/06: £3,420.00 to [[PERSON:Nadia Rahman]] (freelance illustrator), "
 "[[IBAN_CODE:GB?? BARC 2004 1587 6342 19]]. Remittance advice to [[EMAIL_ADDRESS:nadia.draws@outlook.com]]. "
 "Approved: [[PERSON:G. Whitaker]]. PO-2024-0612. From July please use her new address on invoices: "
 "[[STREET_ADDRESS:9 Ashgrove Road, Bristol BS7 9LQ]]."),

("call_transcript", "AU",
 "Agent: You're through to Koala Energy, I'm [[PERSON:Bec]].\nCustomer: G'day, [[PERSON:Nathan Kowalczyk]] here, account "
 "[[ACCOUNT_NUMBER:4100 2287 513]].\nAgent: Thanks [[PERSON:Nathan]], can I confirm the supply address?\nCustomer: "
 "[[STREET_ADDRESS:Unit 5/27 Bondi Road, Bondi Junction NSW 2022]]. And my mobile's [[PHONE_NUMBER:0491 570 156]] if the "
 "tech needs to ring.\nAgent: Lovely, I've booked the meter read for Friday."),

("shipping_instructions", "NL",
 "Pallet delivery for the Rotterdam depot: dock 7 is open Mon–Fri 06:00–14:00, forklift available. Book a slot via the "
 "Transporeon portal, reference TP-4471902. Max height 2.2 m, EUR pallets only."),

("llm_prompt", "XX",
 "Why does this fail? I ran\n\ncurl -H \"Authorization: token [[SECRET:ghp_7fKq2LmZ9xR4tVb8NcW3pYs6Hd1Ju0AeGiO5]]\" "
 "https://api.github.com/user/repos\n\nand got 401 Bad credentials. My GitHub user is [[USERNAME:lena-kr]] and the repo "
 "is private. Token was created yesterday with repo scope."),

("appointment_reminder", "GR",
 "Αγαπητέ [[PERSON:Νίκο]], σας υπενθυμίζουμε το ραντεβού σας την Πέμπτη 20/6 στις 17:00 με την κ. "
 "[[PERSON:Δήμητρα Αντωνίου]], [[STREET_ADDRESS:Εγνατίας 128, 3ος όροφος, 546 30 Θεσσαλονίκη]]. ΑΜΚΑ: "
 "[[NATIONAL_ID~gr_amka:0502871436?]]. Τηλ. [[PHONE_NUMBER:2310 245 718]]."),

("app_log", "XX",
 "WARN 2024-06-13 12:01:44 boto3: credentials found in environment: AWS_ACCESS_KEY_ID=[[SECRET:AKIAQ4X7RZ2MLP8WTY3N]] "
 "AWS_SECRET_ACCESS_KEY=[[SECRET:wJr8kXp2Lq/M7nZt4Rv9Yb3Hc6Fd1Gs5Ke0PaQuX]] profile=default user=[[USERNAME:svc-etl]] "
 "region=eu-central-1"),

("sms", "PH",
 "Hi Ate [[PERSON:Joy]], padala na po yung GCash 1,500 sa [[PHONE_NUMBER:0917 305 8814]]. Ref no. 7012 448 193. "
 "Pambayad po yan sa tuition ni [[PERSON:Bea]]. Text nyo po ako pag natanggap nyo na. Salamat po! – [[PERSON:Carlo]]"),

("form_comment", "PL",
 "Proszę o kontakt w sprawie reklamacji, numer zamówienia 2024/06/1189. Produkt przyszedł uszkodzony, zdjęcia w "
 "załączniku. [[PERSON:Michał Zieliński]], tel. [[PHONE_NUMBER:601 284 937]], e-mail [[EMAIL_ADDRESS:m.zielinski@wp.pl]]. Adres do odbioru przez kuriera: "
 "[[STREET_ADDRESS:ul. Długa 17/4, 31-147 Kraków]]."),

("support_ticket", "ID",
 "Halo, saya [[PERSON:Siti Nurhaliza Rahmawati]]. Paket saya belum sampai padahal statusnya 'delivered' sejak kemarin. "
 "Alamat: [[STREET_ADDRESS:Jl. Dago Asri II No. 7, Coblong, Bandung 40135]]. No. HP [[PHONE_NUMBER:0813-2047-5518]]. "
 "Resi JNE 0112 4480 9931. Mohon dicek, terima kasih."),

("hr_note", "XX",
 "Reminder for managers: mid-year reviews close Friday 28 June. Use the new template (v2.1) in Workday. Calibration "
 "sessions: Berlin 2 July, Austin 3 July, Bangalore 4 July. Questions go to #people-ops. The Lattice integration is switched off "
 "from 1 July, so please do not start new review cycles there."),

("email", "CO",
 "Buen día,\n\nconfirmo los datos para el envío del contrato: [[PERSON:Juan Sebastián Ospina]], C.C. "
 "[[NATIONAL_ID:1.020.745.318]], [[STREET_ADDRESS:Carrera 7 # 71-21, Torre B, Apto 902, Bogotá]]. Celular "
 "[[PHONE_NUMBER:310 482 7719]]. Por favor envíen copia a mi correo personal, [[EMAIL_ADDRESS:jsospina@hotmail.com]].\n\n"
 "Gracias y quedo atento,\n[[PERSON:Juan Sebastián]]"),

("chat_transcript", "JP",
 "お客様: こんにちは、[[PERSON:佐藤]]です。注文番号 JP-55810 の配送先を変更したいです。\n"
 "オペレーター([[PERSON:田中]]): かしこまりました。新しいご住所をお願いいたします。\n"
 "お客様: 〒[[STREET_ADDRESS:530-0001 大阪府大阪市北区梅田3丁目1-3 グランドビル1205号]]\n"
 "オペレーター([[PERSON:田中]]): ありがとうございます。変更を承りました。"),

("json_snippet", "XX",
 '{"event":"login","user":"[[USERNAME:t.okonkwo]]","email":"[[EMAIL_ADDRESS:t.okonkwo@proton.me]]",'
 '"ip":"[[IP_ADDRESS:192.0.2.144]]","mfa":"totp","device":"iPhone15,3","app_version":"3.18.0",'
 '"session":"[[SECRET:sess_9xQ2vL7mK4pR8tW1zY6b]]","geo":"Lagos, NG","prev_ip":"[[IP_ADDRESS:203.0.113.77]]"}'),

("shipping_label", "DK",
 "GLS PakkeShop-levering\nModtager: [[PERSON:Rasmus Lykke Andersen]]\n[[STREET_ADDRESS:Vesterbrogade 112, 3. tv.\n"
 "1620 København V]]\nMobil: [[PHONE_NUMBER:22 41 87 36]]\nPakkenr. 5402 7713 0086\nVægt 1,2 kg"),

("payment_note", "IT",
 "Bonifico in entrata non riconciliato: 750,00 EUR da [[PERSON:ROSSI GIANLUCA]], IBAN ordinante "
 "[[IBAN_CODE:IT?? *030 6909 6061 0000 0123 478]], causale 'saldo fattura 118/2024'. Verificare con l'amministrazione "
 "prima di chiudere la pratica. Contatto dell'ordinante: [[EMAIL_ADDRESS:g.rossi@libero.it]]."),

("sms", "XX",
 "Your verification code for Monzo is on its way. If you didn't request it, ignore this message. Never share codes "
 "with anyone, including Monzo staff."),

("llm_prompt", "KE",
 "Translate to French for the visa letter: 'This is to confirm that [[PERSON:Grace Wambui Mwangi]], holder of Kenyan "
 "passport no. [[PASSPORT:AK0492817]], born on [[DATE_OF_BIRTH:9 March 1994]], has been employed by us as a Senior Data "
 "Analyst since 2021 and will return to Nairobi after the conference.'"),

("app_log", "DE",
 "2024-06-13 18:22:09 INFO mailer: sent template=password_reset to=[[EMAIL_ADDRESS:lukas.weber93@gmx.de]] "
 "ip=[[IP_ADDRESS:198.51.100.201]] msg_id=<20240613182209.4f1a@mailer.internal> provider=sendgrid status=250"),

("crm_note", "SA",
 "العميل: [[PERSON:فاطمة الزهراني]]\nالجوال: [[PHONE_NUMBER:0551 287 634]]\nملاحظة: طلبت تغيير موعد التركيب إلى يوم الأحد "
 "بعد العصر.\nالعنوان: [[STREET_ADDRESS:حي الروضة، شارع الأمير سلطان 4120، جدة 23432]]"),

("hr_note", "US",
 "I-9 / background check intake for [[PERSON:Tyler J. Brooks]]: SSN [[US_SSN:261-84-7039]], NY driver license "
 "[[US_DRIVER_LICENSE:482 193 675]], DOB [[DATE_OF_BIRTH:11/02/1997]]. Home: [[STREET_ADDRESS:88 Lefferts Ave Apt 2F, "
 "Brooklyn, NY 11225]]. Start date pending clearance; recruiter [[PERSON:Alyssa Kim]]. Emergency contact: "
 "[[PERSON:Denise Brooks]], [[PHONE_NUMBER:(718) 555-0164]]."),

("form_comment", "CH",
 "Bonjour, je n'arrive pas à me connecter avec l'identifiant [[USERNAME:m.rochat]]. Mon mot de passe est "
 "[[SECRET:Lavaux-2024!]] si ça peut aider (je sais, je sais...). Merci, [[PERSON:Mathilde Rochat]], "
 "[[PHONE_NUMBER:+41 79 482 16 03]], [[STREET_ADDRESS:Chemin des Vignes 7, 1096 Cully]]"),

("support_ticket", "IE",
 "The printer on floor 3 (HP LaserJet M507, asset tag IT-00871) jams on every duplex job since the firmware update to "
 "2406A. Tried a new toner cartridge. Dublin office, finance wing. The other printers on the floor (the M404 and the Canon in the post room) are fine. "
 "Not urgent before Thursday."),

("shipping_instructions", "IL",
 "Please deliver between 9 and 13 only. [[PERSON:Yossi Ben-David]], [[STREET_ADDRESS:Rothschild Blvd 45, Apt 9, "
 "Tel Aviv 6578401]]. Entrance is from the back of the building, call first: [[PHONE_NUMBER:054-621-3874]]. It's a "
 "birthday gift for my daughter [[PERSON:Noa]], so please don't call her. Order IL-4471."),

("email", "US",
 "Hi [[PERSON:Meg]],\n\nAttached is the revised portrait contract. The deposit link is on my booking page: "
 "[[URL_PERSONAL:https://calendly.com/jordan-ellis-photo/consult]].\n\nBest,\n[[PERSON:Jordan Ellis]]\n"
 "Jordan Ellis Photography\n[[PHONE_NUMBER:(206) 555-0177]] · [[URL_PERSONAL:https://jordanellis.example.com]]"),

("sms", "NG",
 "[[PERSON:Tunde]] abeg send the balance to my GTBank acct [[ACCOUNT_NUMBER:0123847561]] ([[PERSON:Adebayo Folake]]). "
 "Or call me [[PHONE_NUMBER:0803 214 7759]]. i go pay the remaining 20k on friday, no vex. Thanks bro"),

("call_transcript", "DE",
 "Agent: Kundenservice Stadtwerke, mein Name ist [[PERSON:Lea Krüger]].\nKunde: Ja, hallo, [[PERSON:Schmitt]] hier, "
 "[[PERSON:Wolfgang Schmitt]]. Es geht um meinen Zählerstand.\nAgent: Gern, Herr [[PERSON:Schmitt]]. Ihre "
 "Vertragskontonummer?\nKunde: [[ACCOUNT_NUMBER:8100 442 719]]. Und die Steuer-ID brauchen Sie nicht, oder? Die wäre "
 "[[NATIONAL_ID~de_idnr:5728 194 632?]]."),

("json_snippet", "VN",
 '{"ho_ten":"[[PERSON:Trần Minh Khoa]]","cccd":"[[NATIONAL_ID:079203004128]]","sdt":"[[PHONE_NUMBER:0903 418 276]]",'
 '"dia_chi":"[[STREET_ADDRESS:45 Lê Thánh Tôn, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh]]","goi_cuoc":"Fiber 150",'
 '"email":"[[EMAIL_ADDRESS:khoa.tran2003@gmail.com]]","ngay_sinh":"[[DATE_OF_BIRTH:2003-09-18]]"}'),

("appointment_reminder", "CA",
 "Hi [[PERSON:Emily]], this is a reminder from Maple Leaf Veterinary that Biscuit is due for vaccines. Appointment: "
 "Tue June 25, 4:15 PM with Dr. [[PERSON:Harjit Sandhu]], [[STREET_ADDRESS:3310 Kingsway, Vancouver, BC V5R 5K7]]. "
 "Call [[PHONE_NUMBER:604-555-0124]] to reschedule."),

("app_log", "XX",
 "[2024-06-13 09:00:00] CRON backup-db completed: 14 tables, 2.3 GB, duration 00:04:12, target "
 "s3://acme-backups/prod/2024-06-13/, checksum sha256 9f2c41e8a0d7, next run Friday 09:00"),

("llm_prompt", "TR",
 "Aşağıdaki müşteri kaydını İngilizceye çevir: Ad Soyad: [[PERSON:Zeynep Arslan]], Doğum tarihi: "
 "[[DATE_OF_BIRTH:04.11.1992]], Pasaport No: [[PASSPORT:U28419375]], Adres: [[STREET_ADDRESS:Atatürk Bulvarı No: 112/5, "
 "Kızılay, 06420 Çankaya/Ankara]], E-posta: [[EMAIL_ADDRESS:zeynep.arslan@hotmail.com]]."),
]
