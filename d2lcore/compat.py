"""Compatibility aliases for code pasted from d2l-zh's PyTorch pages.

d2l's ``torch.py`` ends with short names for torch functions (``d2l.reshape``,
``d2l.reduce_sum``, ...) and exposes ``d2l.plt``. They are provided here so
such code runs unchanged after ``import d2lcore as d2l``. The book's own
notebooks call torch directly.
"""
import matplotlib.pyplot as plt
import numpy as _np
import torch

tensor = torch.tensor
ones = torch.ones
zeros = torch.zeros
normal = torch.normal
matmul = torch.matmul
exp = torch.exp
log = torch.log
concat = torch.cat
float32 = torch.float32


def reshape(x: torch.Tensor, *args, **kwargs) -> torch.Tensor:
    """``x.reshape(...)``."""
    return x.reshape(*args, **kwargs)


def reduce_sum(x: torch.Tensor, *args, **kwargs) -> torch.Tensor:
    """``x.sum(...)``."""
    return x.sum(*args, **kwargs)


def argmax(x: torch.Tensor, *args, **kwargs) -> torch.Tensor:
    """``x.argmax(...)``."""
    return x.argmax(*args, **kwargs)


def astype(x: torch.Tensor, *args, **kwargs) -> torch.Tensor:
    """``x.type(...)``."""
    return x.type(*args, **kwargs)


def numpy(x: torch.Tensor, *args, **kwargs) -> _np.ndarray:
    """``x.detach().numpy()``."""
    return x.detach().numpy(*args, **kwargs)


def size(x: torch.Tensor, *args, **kwargs) -> int:
    """``x.numel()``."""
    return x.numel(*args, **kwargs)


# d2l 0.17 names that d2lcore does not provide, for the message of ``d2l.<name>``.
_TORCH_ALIASES = {
    "arange": "torch.arange", "meshgrid": "torch.meshgrid", "sin": "torch.sin",
    "sinh": "torch.sinh",
    "cos": "torch.cos", "cosh": "torch.cosh", "tanh": "torch.tanh", "linspace": "torch.linspace",
    "rand": "torch.rand", "int32": "torch.int32", "stack": "torch.stack", "abs": "torch.abs",
    "eye": "torch.eye", "to": "x.to(...)", "transpose": "x.t()", "reduce_mean": "x.mean(...)",
}
_DOWNLOADS = ("DATA_HUB", "DATA_URL", "download", "download_extract", "download_all")
_LATER_CHAPTERS = {  # d2l-zh 2.0's chapter of each name
    "6 (convolutional networks)": "corr2d comp_conv2d evaluate_accuracy_gpu train_ch6",
    "7 (modern convolutional networks)": "Residual resnet18 vgg_block nin_block Inception",
    "8 (recurrent networks)": "read_time_machine tokenize Vocab count_corpus "
                              "load_corpus_time_machine "
                              "seq_data_iter_random seq_data_iter_sequential SeqDataLoader "
                              "load_data_time_machine RNNModelScratch predict_ch8 grad_clipping "
                              "train_epoch_ch8 train_ch8 RNNModel",
    "9 (modern recurrent networks)": "read_data_nmt preprocess_nmt tokenize_nmt truncate_pad "
                                     "build_array_nmt load_data_nmt Encoder Decoder "
                                     "EncoderDecoder Seq2SeqEncoder sequence_mask "
                                     "MaskedSoftmaxCELoss train_seq2seq predict_seq2seq bleu",
    "10 (attention)": "show_heatmaps masked_softmax AdditiveAttention DotProductAttention "
                      "AttentionDecoder MultiHeadAttention PositionalEncoding PositionWiseFFN "
                      "AddNorm EncoderBlock TransformerEncoder",
    "11 (optimisation)": "annotate train_2d show_trace_2d get_data_ch11 train_ch11 "
                         "train_concise_ch11",
    "12 (computational performance)": "Benchmark split_batch",
    "13 (computer vision)": "train_batch_ch13 train_ch13 box_corner_to_center box_center_to_corner "
                            "bbox_to_rect multibox_prior show_bboxes box_iou multibox_target "
                            "multibox_detection load_data_bananas load_data_voc read_csv_labels",
    "14-15 (natural language processing)": "load_data_ptb TokenEmbedding BERTModel load_data_wiki "
                                           "load_data_imdb load_data_snli predict_sentiment",
}


def missing_name(name: str) -> str:
    """The message for ``d2l.<name>`` that d2lcore lacks: what to use instead, if it is d2l's."""
    base = f"module 'd2lcore' has no attribute {name!r}"
    if name in _TORCH_ALIASES:
        return (f"{base}: in d2l it is an alias of {_TORCH_ALIASES[name]}; d2lcore keeps only the "
                f"aliases that these chapters use, so call {_TORCH_ALIASES[name]} directly")
    if name in _DOWNLOADS:
        return (f"{base}: d2l's downloader is not part of d2lcore. These chapters' data come from "
                "d2l.load_data_fashion_mnist(batch_size) (Fashion-MNIST) and "
                "d2l.load_house_prices() (the Kaggle house prices, no download needed)")
    for chapter, names in _LATER_CHAPTERS.items():
        if name in names.split():
            return (f"{base}: d2l.{name} belongs to chapter {chapter} of d2l-zh, "
                    "beyond this book, which covers d2l-zh's chapters 2-5 "
                    "(预备知识 to 深度学习计算)")
    return base


__all__ = ["plt", "tensor", "ones", "zeros", "normal", "matmul", "exp", "log", "concat",
           "float32", "reshape", "reduce_sum", "argmax", "astype", "numpy", "size"]
