// How the portal handles personal data (RGPD), linked from the sign-up form and every page's footer.
export const meta = () => [{ title: "Données personnelles — Portail VAE" }];

export default function Privacy() {
  return (
    <div className="narrow prose">
      <h1>Données personnelles et conditions d'utilisation</h1>
      <h2>Pourquoi nous traitons vos données</h2>
      <p>
        Le portail sert à instruire votre demande de validation des acquis de l'expérience : recevabilité, dossier
        déclaratif, évaluation par deux professionnels et délivrance du certificat. Ce traitement repose sur la mission
        de certification de l'organisme certificateur (Code de l'éducation, articles R335-5 et suivants).
      </p>
      <h2>Qui voit vos données</h2>
      <ul>
        <li>le chargé de recevabilité qui examine votre demande ;</li>
        <li>les deux évaluateurs qui examinent votre dossier, après avoir déclaré ne pas vous connaître ;</li>
        <li>le personnel de l'organisme certificateur qui valide la décision et délivre le certificat.</li>
      </ul>
      <h2>Combien de temps</h2>
      <p>
        Votre pièce d'identité est supprimée dès que la décision de recevabilité est prise ; le portail garde seulement
        la trace de sa vérification. Les blocs de compétences que vous obtenez vous restent acquis et sont conservés
        pour que vous puissiez compléter votre CQP plus tard.
      </p>
      <h2>Vos droits</h2>
      <p>
        Vous pouvez accéder à vos données, les faire rectifier ou demander leur effacement lorsque la loi le permet, en
        écrivant à l'organisme certificateur. Vous pouvez aussi saisir la CNIL.
      </p>
      <h2>Vos engagements</h2>
      <p>
        Vous vous engagez à fournir des informations exactes et des justificatifs authentiques. Votre compte est
        personnel : ne communiquez pas votre mot de passe.
      </p>
    </div>
  );
}
