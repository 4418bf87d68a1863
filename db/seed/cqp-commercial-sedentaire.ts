// The referential of the CQP "Commercial sédentaire du secteur alimentaire", encoded to the letter from its
// presentation booklet (copied verbatim in db/seed/booklet/cqp-commercial-sedentaire.txt; the test beside this file
// checks that every statement, activity, criterion and modality text below appears in it).
//
// Deliberate departures from the booklet, all small:
// - bloc 3's title is "Gérer les commandes clients et la livraison des produits", as on the cover page and the first
//   referential page; the second referential page has the OCR typo "G2rer", and the evaluation page adds
//   "… alimentaires";
// - evaluation titles get a capital first letter ("questionnaire à visée professionnelle" → "Questionnaire …");
// - the validation rule's two bullet points are joined into one sentence ("une" lower-cased after the colon);
// - the VAE steps are stored without their list punctuation (trailing " ;" and ".");
// - evaluatorTolerancePoints (15) is not written in the booklet: it is the portal's deliberation rule.
// The booklet's own typos and wording (e.g. "au vue de", "ponctuelles", "cout", "explicitier", "validé sur le
// candidat obtient") are kept as they are.

import type { CertificationDefinition } from "./referential-definition";

export const cqpCommercialSedentaire: CertificationDefinition = {
  code: "CQP-COMMERCIAL-SEDENTAIRE-ALIM",
  title: "Commercial sédentaire du secteur alimentaire",
  sector: "Filière Alimentaire",
  purpose:
    "Le commercial sédentaire contribue au développement des ventes dans le respect de l'application de la politique commerciale et des objectifs fixés sur un ensemble de points de ventes à l'intérieur d'un secteur géographique donné, 100% en distanciel.",
  hierarchicalPosition: "Sous la responsabilité du directeur commercial",
  referential: {
    version: "2024-1",
    blocs: [
      {
        code: "B1",
        number: 1,
        title: "Développer l'activité commerciale de l'entreprise",
        competencies: [
          {
            code: "C1.1",
            statement:
              "Exécuter la stratégie commerciale de l'entreprise en appliquant le plan d'action opérationnel afférent pour atteindre les objectifs fixés.",
            activitiesCode: "A1.1",
            activities: [
              "Participation à une réunion de cadrage",
              "Echange avec son n+1 à l'occasion d'un accompagnement spécifique",
              "Récolte des informations",
              "Identification de la stratégie d'entreprise",
              "Traduction de la stratégie d'entreprise en objectifs opérationnels",
              "Mise en œuvre du plan d'action et ajustement le cas échéant en lien avec les services internes",
              "Consultation des outils adéquats pour suivre la progression de ses objectifs",
            ],
            criterionGroup: {
              heading: "L'exécution de la stratégie commerciale est efficiente",
              criteria: [
                "La stratégie est comprise et intégrée par le candidat",
                "Le plan d'action défini est réalisable (sur les plans humains, financiers, matériels, logistique) et permet d'atteindre les objectifs fixés par la stratégie commerciale",
                "Il précise les étapes, ressources (humaines, matérielles), outils nécessaires à son bon déploiement",
                "Un suivi de l'exécution du plan d'action est réalisé et des actions correctives sont mises en place le cas échéant",
              ],
            },
          },
          {
            code: "C1.2",
            statement:
              "Sourcer de nouveaux clients en définissant la clientèle cible et en analysant le marché (positionnement de la concurrence, politique de prix...) et en utilisant les outils de prospection à disposition afin d'enrichir sa base de données de contacts qualifiés.",
            activitiesCode: "A1.2",
            activities: [
              "Définition de la zone géographique ciblée",
              "Réalisation d'une veille de marché",
              "Actualisation régulière de sa base de données",
              "Participation au processus de prospection de l'entreprise",
              "Identification et utilisation des outils d'aide à la prospection",
              "Identification des profils clients",
            ],
            criterionGroup: {
              heading: "Qualité du sourcing",
              criteria: [
                "La zone géographique est définie",
                "Le profil et le potentiel des clients sont définis : activité, taille, chiffres clés",
                "Le candidat est partie prenante dans le processus de prospection de l'entreprise : il propose des outils d'aide à la prospection ainsi que de nouvelles approches le cas échéant.",
                "La veille est réalisée de manière structurée : sélection des outils, définition d'un processus, fréquence de réalisation...",
              ],
            },
          },
          {
            code: "C1.3",
            statement:
              "Créer du contenu en utilisant les moyens adaptés (séquences mail, page de vente, posts, script téléphonique...) pour alimenter la prospection de l'entreprise et délivrer des messages impactant et attractifs.",
            activitiesCode: "A1.3",
            activities: [
              "Echange avec les équipes commerciales",
              "Définition des actions à mener (relance client, développement du panier moyen etc.)",
              "Identification du contenu, messages à produire",
              "Création de contenus et messages à délivrer",
            ],
            criterionGroup: {
              heading: "Le contenu créé est de qualité",
              criteria: [
                "Différents types de contenus sont créés par le candidat : mail, posts, script téléphonique",
                "Le type de contenu à créer est défini et en lien avec l'objectif commercial fixé",
                "Le contenu créé est impactant : il permet de créer du lien avec la cible, il est facile d'interprétation.",
                "Le contenu produit satisfait la demande du service commercial",
              ],
            },
          },
          {
            code: "C1.4",
            statement:
              "Qualifier le prospect en lui posant des questions ciblées et/ou en analysant ses comportements d'achat via le CRM dans le but de définir son niveau d'engagement dans le cycle de vente.",
            activitiesCode: "A1.4",
            activities: [
              "Organisation d'un entretien avec le prospect",
              "Formulation de questions",
              "Analyse des comportements d'achat via le CRM",
              "Positionnement du prospect dans le cycle de vente",
            ],
            criterionGroup: {
              heading: "Le prospect est qualifié",
              criteria: [
                "Des outils d'analyse sont utilisés par le candidat (SONCASE...)",
                "Les questions formulées permettent de définir les sources de motivation du candidat",
                "Le profil du prospect est défini afin d'adapter son argumentation",
                "L'analyse des comportements d'achat est précise : nombre d'achats, fréquence...",
                "Le niveau d'engagement du prospect est défini",
              ],
            },
          },
          {
            code: "C1.5",
            statement:
              "Conduire un entretien téléphonique et/ou en face à face dans le cadre de sa prospection en prenant en compte les problématiques et besoins du prospect afin de lui proposer une offre adaptée",
            activitiesCode: "A1.5",
            activities: [
              "Adoption d'une posture spécifique à l'entretien",
              "Formulation de questions clés",
              "Identification des problématiques du prospect : enjeux, environnement",
              "Définition des besoins du prospect",
              "Gestion de l'entretien : introduction, message clé, respect du script téléphonique",
              "Proposition d'une offre adaptée",
              "Le cas échéant, prise en compte des situations de handicap lors de l'entretien",
              "Clôture de l'entretien",
            ],
            criterionGroup: {
              heading: "Qualité de la conduite de l'entretien",
              criteria: [
                "Le candidat adopte une posture bienveillante et adaptée à l'interlocuteur",
                "Les questions formulées sont pertinentes : elles sont adaptées au profil de la cible et permettent d'identifier les besoins du prospect",
                "Le candidat tient compte du profil du prospect lors de l'échange : environnement, enjeux",
                "Le cas échéant, le candidat adapte sa posture en fonction de la situation de handicap de son client",
                "L'offre proposée répond aux attentes du prospect",
              ],
            },
          },
          {
            code: "C1.6",
            statement:
              "Traiter les objections en appliquant des techniques de vente adaptées afin de rassurer le prospect et de lui faire prendre conscience de la valeur ajoutée que représente l'offre.",
            activitiesCode: "A1.6",
            activities: [
              "Recueil des objections",
              "Analyse des objections",
              "Utilisation des techniques de vente",
              "Traitement des objections",
              "Donne un délai de réponse en cas de non-traitement immédiat de l'objection",
            ],
            criterionGroup: {
              heading: "Les objections sont traitées",
              criteria: [
                "Le candidat utilise des techniques de vente pour les traiter : il reformule son propos en tenant compte des objections.",
                "Le candidat propose un délai de réponse le cas échéant",
              ],
            },
          },
          {
            code: "C1.7",
            statement:
              "Vendre un produit et/ou un service complémentaire lors de l'acte d'achat (cross-selling) et lorsqu'il y a une vraie plus-value pour le client afin de développer le chiffre d'affaires de l'entreprise.",
            activitiesCode: "A1.7",
            activities: [
              "Prise en compte de l'historique d'achat du client via le CRM de l'entreprise",
              "Identification d'une opportunité additionnelle pour le client",
              "Proposition d'un produit/service complémentaire adaptée",
              "Argumentation de son offre complémentaire auprès du client",
            ],
            criterionGroup: {
              heading: "Un produit et/ou service complémentaire est proposé",
              criteria: [
                "La proposition du candidat est adaptée à la situation du client et en cohérence avec ses comportements d'achat",
                "L'argumentation développée permet au client de prendre conscience de la valeur ajoutée de cette offre",
              ],
            },
          },
        ],
        modalities: [
          {
            rank: 1,
            title: "Questionnaire à visée professionnelle",
            description:
              "Le candidat répond aux différentes questions posées (études de cas, mises en situation fictives), portant sur sa maîtrise professionnelle en matière de développement d'activité commerciale.",
            duration: "10 à 15 minutes",
            location: "en OF, en entreprise, en ligne à partir de la plateforme Ev'Alim",
            evaluators: "correction automatique par la plateforme Ev'Alim",
            kind: "questionnaire",
          },
          {
            rank: 2,
            title: "Mises en situations professionnelles réelles",
            description:
              "Le candidat est évalué à un instant t sur sa pratique professionnelle réelle à partir d'observations où il participera à la prospection (création d'outils, démarchage) et proposera un produit/service dans le cas de la conduite de l'entretien.",
            duration: "tout au long de la démarche CQP du candidat",
            location: "en entreprise",
            evaluators: "tuteur",
            kind: "tutor_observation",
          },
          {
            rank: 3,
            title: "Etude de cas fictive ou réelle et soutenance orale",
            description:
              "A partir d'une étude de cas ou de son expérience professionnelles réelle, le candidat rédigera une note de synthèse précisant : - Le mode opératoire pour développer l'activité commerciale (sourcing client, qualification du prospect) - Les outils et techniques commerciales mobilisées - L'argumentaire commercial développé Il fera une présentation orale devant un jury qui permettra au candidat d'explicitier ses choix et au jury de poser des questions complémentaires sur les éventuelles compétences n'ayant pas pu être traitées.",
            duration: "10 minutes de présentation et 10 minutes de Q/R",
            location: "en OF ou en entreprise",
            evaluators: "2 professionnels métiers extérieurs à l'entreprise, ne connaissant pas le candidat",
            kind: "jury",
          },
          {
            rank: 4,
            title: "Jeu de rôle et entretien",
            description:
              "A partir d'un sujet proposé par le jury, le candidat participera à un jeu de rôle portant sur la conduite d'un entretien, les techniques de ventes et la ventes additionnelles. Les membres du jury joueront le rôle des clients. Le jury conduit ensuite un entretien avec le candidat pour échanger sur certains points qu'il a pu observer et souhaite approfondir.",
            duration: "20 minutes de présentation et 10 minutes de Q/R",
            location: "en OF ou en entreprise",
            evaluators: "2 professionnels métiers extérieurs à l'entreprise, ne connaissant pas le candidat",
            kind: "jury",
          },
        ],
      },
      {
        code: "B2",
        number: 2,
        title: "Suivre et développer la relation client",
        competencies: [
          {
            code: "C2.1",
            statement:
              "Exploiter le CRM de l'entreprise en y intégrant les informations clients et les données commerciales associées (commande, CA, fréquence d'achat...) afin de disposer des informations nécessaires aux visites.",
            activitiesCode: "A2.1",
            activities: [
              "Actualisation des informations client dans le CRM de l'entreprise",
              "Contrôle de la cohérence des informations indiquées",
              "Suivi régulier du reporting",
            ],
            criterionGroup: {
              heading: "L'utilisation du CRM est efficiente",
              criteria: [
                "Les informations clients et les données afférentes au point de vente sont intégrées dans le CRM",
                "Les informations renseignées sont situées dans les bonnes parties du CRM",
                "Un suivi régulier est réalisé par le candidat",
              ],
            },
          },
          {
            code: "C2.2",
            statement:
              "Automatiser des tâches commerciales et administratives récurrentes (relances par e-mail, message de confirmation, facture, sauvegarde automatique après envoi d'un document...) dans le CRM de l'entreprise pour optimiser la gestion des dossiers clients.",
            activitiesCode: "A2.2",
            activities: ["Priorisation des tâches à automatiser", "Réglages du CRM"],
            criterionGroup: {
              heading: "Les tâches commerciales et administratives sont automatisées",
              criteria: [
                "Les tâches commerciales et administratives récurrentes sont automatisées dans le CRM",
                "Les tâches automatisées fonctionnent",
                "Les ajustements sont réalisés par le candidat le cas échéant",
              ],
            },
          },
          {
            code: "C2.3",
            statement:
              "Proposer au client des offres promotionnelles et/ou des avantages commerciaux ponctuelles selon les opportunités commerciales afin de le fidéliser.",
            activitiesCode: "A2.3",
            activities: [
              "Identification d'une offre promotionnelle susceptible d'intéresser le client",
              "Proposition de l'offre promotionnelle auprès du client",
              "Relance du client",
              "Intégration des informations dans le CRM de l'entreprise le cas échéant",
            ],
            criterionGroup: {
              heading: "Les offres promotionnelles et/ou les avantages commerciaux proposés sont pertinents",
              criteria: [
                "Ils sont adaptés au profil du client et au profil consommateur : historique d'achat, produits alimentaires vendus, événements internes",
                "L'argumentation développée met en valeur la plus-value de l'offre",
                "Les offres et/ou avantages commerciaux permettent au client de bénéficier d'actions supplémentaires à des coûts avantageux",
                "Une relance est organisée par le candidat le cas échéant",
              ],
            },
          },
          {
            code: "C2.4",
            statement:
              "Conseiller le client sur un produit alimentaire, un service ou une offre tout en prenant en compte ses problématiques et besoins afin de lui apporter une solution adaptée à sa situation.",
            activitiesCode: "A2.4",
            activities: [
              "Accueil du client",
              "Analyse des besoins du client au vue de sa situation",
              "Conseil client sur les conditions de mise en œuvre du service ou de la commercialisation du produit",
            ],
            criterionGroup: {
              heading: "Qualité du conseil apporté",
              criteria: [
                "Les problématiques et besoins du client sont identifiées et analysées : type, durée, récurrence, impacts...",
                "Les conseils apportés au client lui permettent de prendre du recul sur sa situation et de se projeter vers une solution.",
                "Le candidat adopte une posture professionnelle lors de l'échange avec le client : qualité de l'écoute, vocabulaire utilisé, clarté du message, reformulation de la demande.",
              ],
            },
          },
          {
            code: "C2.5",
            statement:
              "Traiter les réclamations du client en identifiant les causes de son mécontentement (qualité produit, retard livraison ...) dans le but de lui apporter des premiers éléments de réponse et de lui proposer une solution alternative.",
            activitiesCode: "A2.5",
            activities: [
              "Identification des causes provoquant le mécontentement client",
              "Questionnement client",
              "Proposition de solutions",
              "Mobilisation des services concernés le cas échéant : achat - production - livraison ...",
              "Traitement des réclamations",
              "Intégration des informations dans le CRM entreprise",
            ],
            criterionGroup: {
              heading: "Les réclamations sont traitées",
              criteria: [
                "Les questions formulées par le candidat permettent d'identifier Les causes provoquant le mécontentement du client",
                "Les solutions proposées permettent de lever les freins rencontrés",
                "Le candidat s'entretient avec les services concernés le cas échéant : achat - production – livraison",
                "Une traçabilité du suivi et du traitement des réclamations est réalisée (CRM...)",
              ],
            },
          },
          {
            code: "C2.6",
            statement:
              "Evaluer la satisfaction client en le questionnant sur l'expérience vécue (qualité de la relation client, qualité de l'action réalisée, disponibilité du professionnel, gains pour le client) dans le but de s'inscrire dans une démarche d'amélioration continue.",
            activitiesCode: "A2.6",
            activities: [
              "Définition du moyen de communication (téléphone, face à face, mail, questionnaire en ligne)",
              "Définition des critères d'évaluation",
              "Réalisation de l'évaluation de manière formelle et/ou informelle",
              "Identification des points forts et des points faibles rencontrés par le client lors de son expérience",
              "Définition d'axes d'amélioration",
            ],
            criterionGroup: {
              heading: "La satisfaction client est évaluée",
              criteria: [
                "Le candidat utilise un moyen pour évaluer la satisfaction du client",
                "Des critères d'évaluation sont définis : prix, délais de livraison ...",
                "Les points forts et points faibles de la prestation délivrés par l'entreprise sont récoltés auprès du client",
                "Des axes d'amélioration sont proposés par le candidat et partagés avec le client",
              ],
            },
          },
        ],
        modalities: [
          {
            rank: 1,
            title: "Questionnaire à visée professionnelle",
            description:
              "Le candidat répond aux différentes questions posées, portant sur sa maîtrise professionnelle en matière de suivi et de développement de la relation client.",
            duration: "10 à 15 minutes",
            location: "en OF, en entreprise, en ligne à partir de la plateforme Ev'Alim",
            evaluators: "correction automatique par la plateforme Ev'Alim",
            kind: "questionnaire",
          },
          {
            rank: 2,
            title: "Mises en situations professionnelles réelles",
            description:
              "Le candidat est évalué à un instant t sur sa pratique professionnelle réelle à partir d'observations où il réalisera le suivi du client (enrichissement reporting / crm, traitement des réclamations) et développera la relation commerciale avec lui (conseil client, propositions d'offres promotionnelles...)",
            duration: "tout au long de la démarche CQP du candidat",
            location: "en entreprise",
            evaluators: "tuteur",
            kind: "tutor_observation",
          },
          {
            rank: 3,
            title: "Jeu de rôle",
            description:
              "A partir d'un sujet proposé par le jury, le candidat participera à un jeu de rôle portant sur le suivi et le développement de la relation client. Les membres du jury joueront le rôle des clients. Le jury conduit ensuite un entretien avec le candidat pour échanger sur certains points qu'il a pu observer et souhaite approfondir ; il pourra poser des questions complémentaires sur les éventuelles compétences n'ayant pas pu être traitées lors du jeu de rôle.",
            duration: "20 minutes de jeu de rôle et 10 minutes de Q/R",
            location: "en OF ou en entreprise ou en distanciel (visio)",
            evaluators: "2 professionnels métiers extérieurs à l'entreprise, ne connaissant pas le candidat",
            kind: "jury",
          },
        ],
      },
      {
        code: "B3",
        number: 3,
        title: "Gérer les commandes clients et la livraison des produits",
        competencies: [
          {
            code: "C3.1",
            statement:
              "Traiter les appels entrants des clients en respectant le processus prédéfini par le service commercial afin de l'orienter ou le conseiller de la manière la plus optimum.",
            activitiesCode: "A3.1",
            activities: [
              "Traitement des appels entrants",
              "Accueil du client : salutation, questionnement à propos de l'objet de son appel",
              "Respect du processus interne en matière du traitement des demandes",
              "Conseil client",
              "Orientation du client vers le service compétent le cas échéant",
            ],
            criterionGroup: {
              heading: "Qualité de traitement des appels entrants",
              criteria: [
                "Le processus de traitement défini par l'entreprise est respecté : notamment le suivi et la traçabilité des appels",
                "Le client est accueilli : phrase d'accueil, demande de l'objet de son appel",
                "Les questions formulées par le candidat permettent d'identifier les besoins du client",
                "Le conseil apporté au client lui permet d'avancer dans sa problématique : traitement direct de la demande du client ou orientation vers un autre service",
              ],
            },
          },
          {
            code: "C3.2",
            statement:
              "Gérer la prise de commandes des clients par téléphone mais aussi par la plateforme de l'entreprise en consolidant l'ensemble des informations dans le CRM pour assurer la facturation.",
            activitiesCode: "A3.2",
            activities: [
              "Identification du type de produit/service souhaité par le client",
              "Définition du nombre, délais et autres conditions propres à la commande",
              "Consultation des demandes en ligne",
              "Apport de réponse aux demandes clients",
              "Prise en compte des offres promotionnelles",
              "Intégration des informations dans le CRM de l'entreprise",
            ],
            criterionGroup: {
              heading: "La prise de commande est efficace",
              criteria: [
                "La demande du client est identifiée : type de produits alimentaires, quantité, délais ...",
                "Les demandes formulées en ligne sont traitées le cas échéant",
                "Une réponse est apportée au client, par téléphone ou par email.",
                "Les informations relatives à la commande sont intégrées dans le CRM",
              ],
            },
          },
          {
            code: "C3.3",
            statement:
              "Se coordonner avec l'équipe commerciale en récoltant les informations clés (ressources disponibles, promotion produit, délais, livraison) afin de contribuer à la mise en œuvre opérationnelle des actions commerciales.",
            activitiesCode: "A3.3",
            activities: [
              "Brief avec l'équipe commerciale",
              "Identification des objectifs",
              "Prise en compte des conditions de mise en œuvre des actions",
              "Mise en œuvre des actions commerciales en s'appuyant sur le service commercial de l'entreprise",
            ],
            criterionGroup: {
              heading: "Qualité de la coordination avec l'équipe commerciale",
              criteria: [
                "Le candidat adopte une posture proactive pour appuyer l'équipe commerciale : organisation de point d'échange, demande d'informations, proposition d'actions",
                "Les actions commerciales mises en œuvre respectent les conditions, exigences du service commercial",
              ],
            },
          },
          {
            code: "C3.4",
            statement:
              "Ajuster la commande en fonction de la priorité du client (délais, cout de livraison, solutions RSE etc...) afin de satisfaire la demande du client.",
            activitiesCode: "A3.4",
            activities: [
              "Identification de la priorité du client",
              "Intégration du besoin client dans la solution proposée",
              "Validation de la commande",
              "Mise à jour de la demande client dans le CRM si besoin régulier",
              "Mobilisation du service concerné le cas échéant",
            ],
            criterionGroup: {
              heading: "La commande est ajustée",
              criteria: [
                "La priorité du client est identifiée",
                "La solution proposée prend en compte les besoins du client",
                "Le candidat s'assure de la validation de l'ajustement apporté à la commande auprès du client et du service concerné le cas échéant",
                "Le besoin du client est intégré dans le CRM de l'entreprise",
              ],
            },
          },
          {
            code: "C3.5",
            statement:
              "Suivre les commandes véhiculées par liaisons informatiques en consultant les informations clés dans le but de renseigner le client le cas échéant ou de l'alerter en cas de retard.",
            activitiesCode: "A3.5",
            activities: [
              "Suivi des commandes",
              "Prise en compte des informations liées aux commandes (nom chauffeur, délais de livraison, spécificité de la commande...)",
              "Identification des freins potentiels à la bonne livraison des produits",
              "Conseil et/ou alerte le client le cas échéant",
            ],
            criterionGroup: {
              heading: "Qualité du suivi des commandes",
              criteria: [
                "Les commandes clients sont suivies : délais de livraison, imprévus...",
                "Les freins potentiels à la bonne livraison des produits sont identifiés",
                "Le client est alerté en cas de problèmes rencontrés le cas échéant",
                "Un conseil est apporté au client en cas de problématique rencontrée",
              ],
            },
          },
          {
            code: "C3.6",
            statement:
              "Gérer les problématiques survenues lors des commandes et livraisons client en faisant preuve de réactivité afin de pérenniser la relation client.",
            activitiesCode: "A3.6",
            activities: [
              "Identification des problématiques",
              "Identification des parties prenantes concernées",
              "Analyse des problématiques survenues : cause, impact ..",
              "Proposition d'une solution alternative en concertation avec les services concernés",
              "Intégration des informations dans le reporting de l'entreprise",
            ],
            criterionGroup: {
              heading: "La gestion des problématiques survenues est efficiente",
              criteria: [
                "Les problématiques survenues sont identifiées puis analysées : causes, impacts, personnes responsables ...",
                "Les problématiques sont communiquées auprès des services concernés",
                "Les solutions proposées par le candidat sont adaptées à la situation du client et ont été validées par le service concerné",
                "Les aléas rencontrés sont renseignés dans le reporting de l'entreprise",
              ],
            },
          },
        ],
        modalities: [
          {
            rank: 1,
            title: "Questionnaire à visée professionnelle",
            description:
              "Le candidat répond aux différentes questions posées, portant sur sa maîtrise professionnelle en matière de gestion des commandes clients et de livraison des produits.",
            duration: "10 à 15 minutes",
            location: "en OF, en entreprise, en ligne à partir de la plateforme Ev'Alim",
            evaluators: "correction automatique par la plateforme Ev'Alim",
            kind: "questionnaire",
          },
          {
            rank: 2,
            title: "Mises en situations professionnelles réelles",
            description:
              "Le candidat est évalué à un instant t sur sa pratique professionnelle réelle. Il devra gérer les commandes clients et en assurer leur suivi (gérer les appels entrants, prendre les commandes, se coordonner avec l'équipe commerciale, ajuster les commandes selon les aléas et assurer le suivi des commandes).",
            duration: "tout au long de la démarche CQP du candidat",
            location: "en entreprise",
            evaluators: "tuteur",
            kind: "tutor_observation",
          },
          {
            rank: 3,
            title: "Etude de cas fictive ou réelle et soutenance orale",
            description:
              "A partir d'une étude de cas ou d'une situation réelle choisie en amont et validée par son responsable, le candidat rédigera une note de synthèse précisant : - La gestion des demandes clients (demandes entrantes, réclamations, ...) - Les actions de promotion à proposer aux clients - La coordination avec l'équipe commerciale interne Il présentera une note de synthèse et en fera une présentation orale devant un jury qui permettra au candidat d'explicitier ses choix et au jury de poser des questions complémentaires sur les éventuelles compétences n'ayant pas pu être traitées.",
            duration: "10 minutes de présentation et 10 minutes de Q/R",
            location: "en OF ou en entreprise",
            evaluators: "2 professionnels métiers extérieurs à l'entreprise, ne connaissant pas le candidat",
            kind: "jury",
          },
        ],
      },
    ],
    validationRule: {
      blocMeanThresholdPercent: 70,
      competencyFloorPercent: 50,
      evaluatorTolerancePoints: 15,
      weights: [
        { kind: "questionnaire", label: "Questionnaire à visée professionnelle", weightPercent: 30 },
        { kind: "tutor_observation", label: "Observation au poste par le tuteur", weightPercent: 20 },
        { kind: "jury", label: "Entretien avec le jury d'évaluation", weightPercent: 50 },
      ],
      text: "Pour obtenir un CQP ou un bloc de compétences le composant, le candidat doit obtenir : une moyenne pondérée supérieure ou égale à 70% de maîtrise des compétences pour la délivrance d'un bloc de compétences ou pour chacun des blocs composant le CQP pour la délivrance de ce dernier et 50 % de maîtrise de chacune des compétences prises isolément au sein d'un bloc.",
    },
    vaeRoute: {
      steps: [
        "La recevabilité de la demande par l'organisme évaluateur VAE",
        "Le dossier déclaratif",
        "L'évaluation par deux professionnels évaluateurs du dossier déclaratif",
      ],
      awardStatements: [
        "L'attribution du CQP suppose que pour chaque bloc de compétences, le candidat ait atteint au minimum un seuil d'évaluation de 70%.",
        "Le CQP est validé sur le candidat obtient tous les blocs de compétences",
      ],
    },
  },
};
