export const firstNames = [
  'Aisha', 'Ananya', 'Arjun', 'Beatriz', 'Carlos', 'Chen', 'Daniel', 'Divya', 'Elena', 'Emeka',
  'Fatima', 'Gabriel', 'Hana', 'Hiroshi', 'Ines', 'Ivan', 'Jamal', 'Julia', 'Karan', 'Keiko',
  'Lars', 'Leila', 'Lucas', 'Mai', 'Marco', 'Maria', 'Mateo', 'Meera', 'Mohammed', 'Nadia',
  'Nikhil', 'Noah', 'Olga', 'Omar', 'Priya', 'Rahul', 'Rosa', 'Sakura', 'Samuel', 'Sana',
  'Sofia', 'Tariq', 'Thandiwe', 'Tomas', 'Vikram', 'Wei', 'Yara', 'Yusuf', 'Zara', 'Zoe',
] as const;

export const lastNames = [
  'Adeyemi', 'Agarwal', 'Alvarez', 'Bauer', 'Bianchi', 'Chandra', 'Costa', 'Dubois', 'Eriksson', 'Fernandes',
  'Fischer', 'Garcia', 'Gupta', 'Haddad', 'Hoffmann', 'Iyer', 'Jansen', 'Kapoor', 'Kim', 'Kowalski',
  'Krishnan', 'Larsen', 'Li', 'Mendes', 'Menon', 'Moreau', 'Nakamura', 'Nair', 'Nguyen', 'Novak',
  'Okafor', 'Olsen', 'Patel', 'Petrov', 'Rao', 'Reddy', 'Rossi', 'Santos', 'Schmidt', 'Sharma',
  'Silva', 'Singh', 'Suzuki', 'Tanaka', 'Varga', 'Verma', 'Wang', 'Weber', 'Yamamoto', 'Zhang',
] as const;

export const mentorCompanies = [
  'samsung-research.example', 'bosch.example', 'siemens.example', 'nvidia.example', 'intel.example',
  'qualcomm.example', 'philips.example', 'abb.example', 'ericsson.example', 'sap.example',
] as const;

export const studentDomain = 'students.worklets.example';

export const subjects = [
  'On-device speech recognition', 'Federated learning', 'Anomaly detection', 'Battery health estimation',
  'Low-light image enhancement', 'Gesture recognition', 'Indoor localisation', 'Code review automation',
  'Energy-aware scheduling', 'Text summarisation', 'Crop disease detection', 'Sign language translation',
  'Network traffic forecasting', 'Privacy-preserving analytics', 'Robot path planning', 'Defect detection',
  'Sleep stage classification', 'Query optimisation', 'Fall detection', 'Visual question answering',
] as const;

export const contexts = [
  'for low-resource languages', 'on wearable devices', 'in smart factories', 'for electric two-wheelers',
  'with tiny transformers', 'on edge GPUs', 'for rural clinics', 'in 5G networks', 'for smart homes',
  'with synthetic data', 'under memory constraints', 'for accessibility', 'at city scale', 'in real time',
] as const;

export const descriptions = [
  'Build a working prototype, measure it against a published baseline and write up what you learn.',
  'Survey the state of the art, reproduce one result and extend it to a new dataset.',
  'Design, implement and evaluate a system that runs within the constraints of a real product.',
  'Collect a small dataset, train a model and ship a demo that a product team can try.',
] as const;
