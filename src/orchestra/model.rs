//! A small text classifier: multinomial logistic regression over sparse binary features,
//! trained by stochastic gradient descent in a fixed order, so the same examples always
//! give the same weights; it also remembers its examples, so a text's nearest ones
//! (cosine over idf-weighted features) can vote beside the weights. It is built from data in this repository (the dispatch corpus
//! and the playbooks in force) each time it is needed: a few hundred examples train in
//! milliseconds, and a studio's own playbooks take part without any extra step.

use std::collections::HashMap;

/// One training example: its features, the classes it belongs to (weights summing to
/// one) and how much it counts.
#[derive(Clone, Debug)]
pub struct Example {
    /// Feature names (repeats count once).
    pub features: Vec<String>,
    /// `(class, share)`: a request naming two pieces of work counts half for each.
    pub targets: Vec<(usize, f32)>,
    /// How much the example counts (a playbook's trigger phrase less than a request).
    pub weight: f32,
}

/// The trained model.
#[derive(Clone, Debug)]
pub struct Model {
    classes: usize,
    vocab: HashMap<String, usize>,
    /// `weights[feature * classes + class]`.
    weights: Vec<f32>,
    bias: Vec<f32>,
    /// The training examples, remembered for [`Model::neighbours`].
    memory: Vec<Remembered>,
    /// For each feature, the remembered examples that have it.
    postings: Vec<Vec<u32>>,
    /// Each feature's inverse document frequency.
    idf: Vec<f32>,
}

/// A training example as [`Model::neighbours`] reads it.
#[derive(Clone, Debug)]
struct Remembered {
    targets: Vec<(usize, f32)>,
    weight: f32,
    /// The length of its idf-weighted vector.
    norm: f32,
}

/// How training runs.
#[derive(Clone, Copy, Debug)]
pub struct Training {
    /// Passes over the examples.
    pub epochs: usize,
    /// The first pass's step size (it shrinks as passes go by).
    pub rate: f32,
    /// L2 penalty per step.
    pub l2: f32,
}

impl Default for Training {
    fn default() -> Self {
        Training {
            epochs: 20,
            rate: 3.5,
            l2: 1e-5,
        }
    }
}

impl Model {
    /// Trains a model over `classes` classes.
    pub fn train(classes: usize, examples: &[Example], how: Training) -> Model {
        let mut vocab: HashMap<String, usize> = HashMap::new();
        let encoded: Vec<(Vec<usize>, &Example)> = examples
            .iter()
            .map(|e| {
                let mut ids: Vec<usize> = e
                    .features
                    .iter()
                    .map(|f| {
                        let next = vocab.len();
                        *vocab.entry(f.clone()).or_insert(next)
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                (ids, e)
            })
            .collect();
        let n = encoded.len().max(1) as f32;
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); vocab.len()];
        for (i, (ids, _)) in encoded.iter().enumerate() {
            for &f in ids {
                postings[f].push(i as u32);
            }
        }
        let idf: Vec<f32> = postings
            .iter()
            .map(|p| (n / (1.0 + p.len() as f32)).ln().max(0.0) + 1.0)
            .collect();
        let memory = encoded
            .iter()
            .map(|(ids, e)| Remembered {
                targets: e.targets.clone(),
                weight: e.weight,
                norm: ids.iter().map(|f| idf[*f] * idf[*f]).sum::<f32>().sqrt(),
            })
            .collect();
        let mut m = Model {
            classes,
            weights: vec![0.0; vocab.len() * classes],
            bias: vec![0.0; classes],
            vocab,
            memory,
            postings,
            idf,
        };
        // A fixed shuffle (a linear congruential walk), the same on every machine.
        let mut order: Vec<usize> = (0..encoded.len()).collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in (1..order.len()).rev() {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            order.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let mut grad = vec![0.0f32; classes];
        for epoch in 0..how.epochs {
            let rate = how.rate / (1.0 + epoch as f32 * 0.15);
            for &i in &order {
                let (ids, e) = &encoded[i];
                if ids.is_empty() {
                    continue;
                }
                let scale = 1.0 / (ids.len() as f32).sqrt();
                let p = m.softmax(ids, scale);
                for (c, g) in grad.iter_mut().enumerate() {
                    let want: f32 = e
                        .targets
                        .iter()
                        .filter(|(t, _)| *t == c)
                        .map(|(_, s)| s)
                        .sum();
                    *g = (p[c] - want) * e.weight;
                }
                for (c, g) in grad.iter().enumerate() {
                    m.bias[c] -= rate * g * 0.1;
                }
                for &f in ids {
                    let row = &mut m.weights[f * classes..(f + 1) * classes];
                    for (w, g) in row.iter_mut().zip(&grad) {
                        *w -= rate * (g * scale + how.l2 * *w);
                    }
                }
            }
        }
        m
    }

    fn softmax(&self, ids: &[usize], scale: f32) -> Vec<f32> {
        let mut z = self.bias.clone();
        for &f in ids {
            for (zc, w) in z
                .iter_mut()
                .zip(&self.weights[f * self.classes..(f + 1) * self.classes])
            {
                *zc += w * scale;
            }
        }
        let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for v in &mut z {
            *v = (*v - max).exp();
            sum += *v;
        }
        for v in &mut z {
            *v /= sum;
        }
        z
    }

    /// The ids of the features the model knows, sorted, each once.
    fn known(&self, features: &[String]) -> Vec<usize> {
        let mut ids: Vec<usize> = features
            .iter()
            .filter_map(|f| self.vocab.get(f).copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Each class's probability for a text with these features (unknown features are
    /// ignored; a text with none gets the classes' base rates).
    pub fn probabilities(&self, features: &[String]) -> Vec<f32> {
        let ids = self.known(features);
        let scale = if ids.is_empty() {
            0.0
        } else {
            1.0 / (ids.len() as f32).sqrt()
        };
        self.softmax(&ids, scale)
    }

    /// Each class's share among the `k` remembered examples most like a text with these
    /// features (cosine over idf-weighted features), weighted by likeness.
    pub fn neighbours(&self, features: &[String], k: usize) -> Vec<f32> {
        let ids = self.known(features);
        let mut out = vec![0.0; self.classes];
        let norm = ids
            .iter()
            .map(|f| self.idf[*f] * self.idf[*f])
            .sum::<f32>()
            .sqrt();
        if ids.is_empty() || norm == 0.0 {
            return out;
        }
        let mut dot: HashMap<u32, f32> = HashMap::new();
        for &f in &ids {
            let w = self.idf[f] * self.idf[f];
            for &e in &self.postings[f] {
                *dot.entry(e).or_default() += w;
            }
        }
        let mut near: Vec<(f32, u32)> = dot
            .into_iter()
            .map(|(e, d)| (d / (norm * self.memory[e as usize].norm), e))
            .collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut total = 0.0;
        for (sim, e) in near.into_iter().take(k) {
            let r = &self.memory[e as usize];
            for (c, share) in &r.targets {
                out[*c] += sim * r.weight * share;
            }
            total += sim * r.weight;
        }
        if total > 0.0 {
            for v in &mut out {
                *v /= total;
            }
        }
        out
    }

    /// The features that pushed most towards `class`, strongest first (the explanation).
    pub fn evidence<'a>(&self, features: &'a [String], class: usize, most: usize) -> Vec<&'a str> {
        let mut seen: Vec<&str> = Vec::new();
        let mut scored: Vec<(f32, &str)> = Vec::new();
        for f in features {
            // Pieces of words explain nothing to a reader.
            if seen.contains(&f.as_str()) || f.starts_with("g:") {
                continue;
            }
            seen.push(f);
            if let Some(&id) = self.vocab.get(f) {
                let w = self.weights[id * self.classes + class];
                if w > 0.05 {
                    scored.push((w, f));
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored.into_iter().take(most).map(|(_, f)| f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(words: &[&str], class: usize) -> Example {
        Example {
            features: words.iter().map(|w| w.to_string()).collect(),
            targets: vec![(class, 1.0)],
            weight: 1.0,
        }
    }

    #[test]
    fn it_learns_a_separable_set_and_explains_itself_deterministically() {
        let data = vec![
            ex(&["translate", "french"], 0),
            ex(&["translate", "german"], 0),
            ex(&["epub", "bind"], 1),
            ex(&["html", "bind"], 1),
        ];
        let a = Model::train(2, &data, Training::default());
        let b = Model::train(2, &data, Training::default());
        assert_eq!(a.weights, b.weights);
        let p = a.probabilities(&["translate".into(), "spanish".into()]);
        assert!(p[0] > 0.8, "{p:?}");
        let p = a.probabilities(&["bind".into()]);
        assert!(p[1] > 0.8, "{p:?}");
        let f: Vec<String> = vec!["epub".into(), "nothing".into()];
        assert_eq!(a.evidence(&f, 1, 3), vec!["epub"]);
        // Nothing known: the base rates.
        let p = a.probabilities(&["zebra".into()]);
        assert!((p[0] - 0.5).abs() < 0.2, "{p:?}");
    }

    #[test]
    fn neighbours_vote_by_likeness_and_rare_words_count_most() {
        let data = vec![
            ex(&["translate", "the", "book"], 0),
            ex(&["translate", "the", "codex"], 0),
            ex(&["bind", "the", "book"], 1),
            ex(&["bind", "an", "epub"], 1),
        ];
        let m = Model::train(2, &data, Training::default());
        // "the book" is in one of each; "translate" settles it.
        let p = m.neighbours(&["translate".into(), "the".into(), "book".into()], 2);
        assert!(p[0] > p[1], "{p:?}");
        let p = m.neighbours(&["epub".into()], 3);
        assert_eq!(p, vec![0.0, 1.0]);
        // Nothing known: no vote at all.
        assert_eq!(m.neighbours(&["zebra".into()], 3), vec![0.0, 0.0]);
    }
}
